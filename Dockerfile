# syntax=docker/dockerfile:1
#
# One image for every adstream process. The command picks the service:
#   docker run adstream services/ingest/src/main.ts
#   docker run adstream services/processor/src/main.ts
#   docker run adstream services/query/src/main.ts
#   docker run adstream services/processor/src/migrate-main.ts   (one-shot migrations)
#   docker run adstream operator/src/main.ts
#
# The services are TypeScript run directly by Node 24, which strips the types
# when it loads a file: there is no compile step, so the image ships the .ts
# sources as they are in the repository (see README, "Deploy").

# The Node version matches the `node` devDependency in package.json, which
# every test runs on; scripts/test/dockerfile.test.ts fails if they drift.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

# --- build: production dependencies only ------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Manifests first, so that a source-only change reuses the installed layer.
COPY package.json package-lock.json ./
COPY services/shared/package.json services/shared/
COPY services/ingest/package.json services/ingest/
COPY services/processor/package.json services/processor/
COPY services/query/package.json services/query/
COPY operator/package.json operator/
# --omit=dev leaves out vitest, TypeScript and the Node binary package.
# --ignore-scripts: the only production dependency with an install script
# (protobufjs) uses it to print a version-scheme warning.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# --- app: everything the process needs, owned by root -------------------------
FROM ${NODE_IMAGE} AS app
# tini as PID 1 forwards SIGTERM to node and reaps zombies; the services'
# own SIGTERM handlers do the graceful part.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY package.json ./
# Sources only: .dockerignore leaves out tests, node_modules and local data.
COPY services ./services
COPY operator ./operator
EXPOSE 8080 8081 8082 8083 9464 9465 9466 9467
ENTRYPOINT ["/usr/bin/tini", "--", "node"]
CMD ["services/ingest/src/main.ts"]

# --- dev: Tilt's target; live update writes synced sources as the process user
FROM app AS dev
RUN chown -R 1000:1000 /app/services /app/operator
USER 1000:1000

# --- runtime (the default target) -------------------------------------------
# Files stay owned by root and read-only to the process, which runs as the
# image's unprivileged `node` user (numeric, so Kubernetes' runAsNonRoot can
# verify it) and writes nowhere but /tmp: the root filesystem can be read-only.
FROM app AS runtime
USER 1000:1000
