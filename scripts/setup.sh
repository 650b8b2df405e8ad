#!/usr/bin/env bash
# Prepares a machine to build, test and run adstream without a cluster:
# Debian server packages, node_modules (which bring Node 24), and a current
# nats-server built from source. Idempotent; a second run only checks.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Exact version built here; scripts/lib/tools.ts enforces only a floor
# (MIN_NATS_VERSION), so raise both together when upgrading past it.
NATS_VERSION=2.12.1
# chDB (the current ClickHouse engine, embedded) for the compatibility test,
# installed into .tools/chdb rather than the workspace: its lockfile entries
# name platform packages npm does not serve, which would break `npm ci`.
CHDB_VERSION=3.4.0
# Used only when no usable Go (>= 1.21, which can fetch newer toolchains) is
# installed: the toolchain nats-server's go.mod asks for, from the Go module proxy.
GO_BOOTSTRAP_VERSION=1.24.9
NODE_MAJOR=24
TOOLS="$ROOT/.tools"

did=()
say() { printf 'setup: %s\n' "$*"; }
note() { did+=("$*"); say "$*"; }
die() { printf 'setup: ERROR: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "root or sudo needed for: $*"
  fi
}

# sbin is often missing from a non-root PATH, so look there explicitly.
have_bin() {
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ] || [ -x "/sbin/$1" ]
}

apt_updated=0
apt_install() {
  [ "$#" -gt 0 ] || return 0
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install these yourself: $*"
  if [ "$apt_updated" -eq 0 ]; then
    say "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    apt_updated=1
  fi
  # The packages' maintainer scripts would start system-wide ClickHouse, etcd
  # and Prometheus daemons; the project starts its own on free ports, so forbid
  # service starts (policy-rc.d exit 101) unless the machine already has a policy.
  local policy=/usr/sbin/policy-rc.d created=0 rc=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
    as_root chmod 755 "$policy"
    created=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" || rc=$?
  if [ "$created" -eq 1 ]; then as_root rm -f "$policy"; fi
  [ "$rc" -eq 0 ] || die "apt-get install $* failed (exit $rc)"
  note "installed Debian packages: $*"
}

# --- Debian packages: binary -> package -------------------------------------
missing=()
for pair in nats-server:nats-server clickhouse-server:clickhouse-server clickhouse-client:clickhouse-client \
            prometheus:prometheus promtool:prometheus etcd:etcd-server chromium:chromium; do
  bin="${pair%%:*}" pkg="${pair#*:}"
  if ! have_bin "$bin" && [[ " ${missing[*]-} " != *" $pkg "* ]]; then missing+=("$pkg"); fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  apt_install "${missing[@]}"
else
  say "Debian packages present (nats-server, clickhouse-server/-client, prometheus, etcd, chromium)"
fi
for bin in nats-server clickhouse-server clickhouse-client prometheus promtool etcd chromium; do
  have_bin "$bin" || die "$bin still missing after installing its package"
done

# --- node_modules (and with them Node $NODE_MAJOR) ---------------------------
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  command -v npm >/dev/null 2>&1 || die "npm not found; install Node.js with npm (any version >= 18 can bootstrap)"
  say "npm ci"
  # --include=dev: CI images sometimes set NODE_ENV=production, which would drop
  # the Node 24 devDependency, TypeScript and vitest.
  npm ci --no-audit --no-fund --include=dev
  note "ran npm ci"
else
  say "node_modules up to date with package-lock.json"
fi
node_version="$(node_modules/.bin/node --version)" || die "node_modules/.bin/node does not run"
[[ "$node_version" == "v$NODE_MAJOR."* ]] || die "node_modules/.bin/node is $node_version, expected v$NODE_MAJOR.x"
say "Node $node_version (node_modules/.bin/node)"

# --- nats-server v$NATS_VERSION into .tools/bin -------------------------------
go_usable() { # Go >= 1.21 can switch to the toolchain a module requires.
  local v
  v="$("$1" env GOVERSION 2>/dev/null)" || return 1
  [[ "$v" =~ ^go1\.([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -ge 21 ]
}

find_go() {
  local g
  for g in "$(command -v go 2>/dev/null || true)" /usr/local/go/bin/go "$TOOLS/go/bin/go"; do
    if [ -n "$g" ] && [ -x "$g" ] && go_usable "$g"; then printf '%s\n' "$g"; return 0; fi
  done
  return 1
}

# Go toolchains are published as modules (golang.org/toolchain), so the module
# proxy is enough to get one; Debian's golang-go (1.19) is too old.
bootstrap_go() {
  local arch proxy name tmp
  case "$(uname -m)" in
    x86_64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;;
    *) die "no Go bootstrap for $(uname -m); install Go >= 1.21" ;;
  esac
  local need=()
  command -v curl >/dev/null 2>&1 || need+=(curl ca-certificates)
  command -v unzip >/dev/null 2>&1 || need+=(unzip)
  apt_install "${need[@]}"
  proxy="${GOPROXY:-https://proxy.golang.org}"
  proxy="${proxy%%[,|]*}"
  [[ "$proxy" == http* ]] || proxy=https://proxy.golang.org
  name="v0.0.1-go$GO_BOOTSTRAP_VERSION.linux-$arch"
  tmp="$(mktemp -d)"
  say "downloading Go $GO_BOOTSTRAP_VERSION from $proxy"
  curl -fsSL --retry 3 -o "$tmp/go.zip" "$proxy/golang.org/toolchain/@v/$name.zip"
  unzip -q "$tmp/go.zip" -d "$tmp"
  rm -rf "$TOOLS/go"
  mkdir -p "$TOOLS"
  mv "$tmp/golang.org/toolchain@$name" "$TOOLS/go"
  rm -rf "$tmp"
  # Module zips carry no file modes; cmd/go restores them the same way.
  chmod +x "$TOOLS"/go/bin/* "$TOOLS"/go/pkg/tool/*/*
  note "installed Go $GO_BOOTSTRAP_VERSION into .tools/go"
}

nats_bin="$TOOLS/bin/nats-server"
if [ -x "$nats_bin" ] && [ "$("$nats_bin" --version 2>/dev/null || true)" = "nats-server: v$NATS_VERSION" ]; then
  say "nats-server v$NATS_VERSION present (.tools/bin)"
else
  go_bin="$(find_go)" || { bootstrap_go; go_bin="$TOOLS/go/bin/go"; }
  say "building nats-server v$NATS_VERSION with $("$go_bin" version)"
  mkdir -p "$TOOLS/bin"
  # CGO off: a static binary needs no C compiler on a fresh machine.
  GOBIN="$TOOLS/bin" CGO_ENABLED=0 "$go_bin" install "github.com/nats-io/nats-server/v2@v$NATS_VERSION"
  built="$("$nats_bin" --version)"
  [ "$built" = "nats-server: v$NATS_VERSION" ] || die "built nats-server reports '$built'"
  note "built nats-server v$NATS_VERSION into .tools/bin"
fi

# --- kube-apiserver into .tools/bin -------------------------------------------
# The real API server the operator's integration tests run against, built from
# the published k8s.io/kubernetes module. Its release is pinned in one place,
# tools/kube-apiserver/go.mod (`bash tools/kube-apiserver/pin.sh 1.N.M` moves it).
kas_mod="$ROOT/tools/kube-apiserver/go.mod"
kube_version="$(sed -n 's#^[[:space:]]*k8s\.io/kubernetes \(v[0-9.]*\)$#\1#p; s#^require k8s\.io/kubernetes \(v[0-9.]*\)$#\1#p' "$kas_mod")"
[[ "$kube_version" =~ ^v1\.([0-9]+)\.[0-9]+$ ]] || die "cannot read the k8s.io/kubernetes version from $kas_mod"
kube_minor="${BASH_REMATCH[1]}"
kas_bin="$TOOLS/bin/kube-apiserver"
if [ -x "$kas_bin" ] && [ "$("$kas_bin" --version 2>/dev/null || true)" = "Kubernetes $kube_version" ]; then
  say "kube-apiserver $kube_version present (.tools/bin)"
else
  go_bin="$(find_go)" || { bootstrap_go; go_bin="$TOOLS/go/bin/go"; }
  say "building kube-apiserver $kube_version with $("$go_bin" version); takes several minutes"
  # Without these the binary reports v0.0.0, which kube-apiserver also takes as
  # its version for feature gates and API emulation.
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$kube_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$kube_minor -X $pkg.gitTreeState=clean"
  done
  mkdir -p "$TOOLS/bin"
  # -p 2: single compile and link jobs peak near 2 GiB here; more
  # parallel jobs only compete for the cores. GOTOOLCHAIN=auto lets an older Go
  # fetch the release go.mod names. Built to a temp name so an interrupted
  # build never leaves a binary that passes the version check above.
  (cd "$ROOT/tools/kube-apiserver" &&
    GOTOOLCHAIN=auto CGO_ENABLED=0 "$go_bin" build -p 2 -trimpath -buildvcs=false -ldflags="$ldflags" -o "$kas_bin.partial" .) ||
    die "building kube-apiserver $kube_version failed (module in tools/kube-apiserver)"
  mv -f "$kas_bin.partial" "$kas_bin"
  built="$("$kas_bin" --version)"
  [ "$built" = "Kubernetes $kube_version" ] || die "built kube-apiserver reports '$built', expected 'Kubernetes $kube_version'"
  note "built kube-apiserver $kube_version into .tools/bin"
fi

# --- helm v$HELM_VERSION into .tools/bin --------------------------------------
# The chart tests (scripts/test/chart*.test.ts) lint and render charts/adstream
# with a real helm. The ldflags are those of helm's own Makefile: without them
# the binary reports no patch version and assumes Kubernetes 1.20 for
# `helm template`, below the chart's kubeVersion.
HELM_VERSION=3.22.0
HELM_KUBE_MINOR=37 # Kubernetes minor of the k8s.io/client-go helm v$HELM_VERSION uses (v0.37 = 1.37)
helm_bin="$TOOLS/bin/helm"
if [ -x "$helm_bin" ] && [ "$("$helm_bin" version --template '{{.Version}}' 2>/dev/null || true)" = "v$HELM_VERSION" ]; then
  say "helm v$HELM_VERSION present (.tools/bin)"
else
  go_bin="$(find_go)" || { bootstrap_go; go_bin="$TOOLS/go/bin/go"; }
  say "building helm v$HELM_VERSION with $("$go_bin" version)"
  helm_ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION"
  for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
    helm_ldflags+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$HELM_KUBE_MINOR"
  done
  mkdir -p "$TOOLS/bin"
  GOBIN="$TOOLS/bin" CGO_ENABLED=0 "$go_bin" install -trimpath -ldflags="$helm_ldflags" "helm.sh/helm/v3/cmd/helm@v$HELM_VERSION" ||
    die "building helm v$HELM_VERSION failed"
  built="$("$helm_bin" version --template '{{.Version}}')"
  [ "$built" = "v$HELM_VERSION" ] || die "built helm reports '$built', expected 'v$HELM_VERSION'"
  note "built helm v$HELM_VERSION into .tools/bin"
fi

# --- chdb v$CHDB_VERSION into .tools/chdb -------------------------------------
chdb_pkg="$TOOLS/chdb/node_modules/chdb/package.json"
if [ -f "$chdb_pkg" ] && grep -q "\"version\": \"$CHDB_VERSION\"" "$chdb_pkg"; then
  say "chdb v$CHDB_VERSION present (.tools/chdb)"
else
  say "installing chdb v$CHDB_VERSION into .tools/chdb"
  mkdir -p "$TOOLS/chdb"
  npm install --prefix "$TOOLS/chdb" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "chdb@$CHDB_VERSION" \
    || die "could not install chdb@$CHDB_VERSION"
  note "installed chdb v$CHDB_VERSION into .tools/chdb"
fi

if [ "${#did[@]}" -eq 0 ]; then
  say "done: nothing to change"
else
  say "done; changed:"
  printf 'setup:   - %s\n' "${did[@]}"
fi
