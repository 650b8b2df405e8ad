// Command kube-apiserver is the upstream API server, built from the published
// k8s.io/kubernetes module so tests can run against a real control plane
// without a cluster. Mirrors k8s.io/kubernetes/cmd/kube-apiserver, whose main
// package cannot be installed directly: its module points the staging modules
// at folders that exist only in the Kubernetes repository (see go.mod).
package main

import (
	"os"
	_ "time/tzdata" // CronJob time zones on machines without zoneinfo

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"          // --logging-format=json
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // client-go metrics on /metrics
	_ "k8s.io/component-base/metrics/prometheus/version"  // kubernetes_build_info
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	os.Exit(cli.Run(app.NewAPIServerCommand()))
}
