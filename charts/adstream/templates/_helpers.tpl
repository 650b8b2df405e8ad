{{/*
Release-scoped name prefix: the release name, with the chart name appended unless
the release name already contains it. Truncated to leave room for suffixes.
*/}}
{{- define "adstream.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Name of one component's objects: <fullname>-<component>. Call with (list $ "ingest"). */}}
{{- define "adstream.componentName" -}}
{{- printf "%s-%s" (include "adstream.fullname" (index . 0)) (index . 1) -}}
{{- end -}}

{{/* Labels every object carries. Call with (list $ "component"). */}}
{{- define "adstream.labels" -}}
{{- $ := index . 0 -}}
helm.sh/chart: {{ printf "%s-%s" $.Chart.Name $.Chart.Version | replace "+" "_" }}
app.kubernetes.io/managed-by: {{ $.Release.Service }}
app.kubernetes.io/part-of: adstream
app.kubernetes.io/version: {{ $.Chart.AppVersion | quote }}
{{ include "adstream.selectorLabels" . }}
{{- end -}}

{{/* Labels that select one component's pods; never change them (selectors are immutable). */}}
{{- define "adstream.selectorLabels" -}}
{{- $ := index . 0 -}}
app.kubernetes.io/name: {{ $.Chart.Name }}
app.kubernetes.io/instance: {{ $.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{/*
An image reference; a moving tag is refused (a restarted pod could run other
code than its siblings). Call with (list "values.path" imageValues defaultTag).
*/}}
{{- define "adstream.imageRef" -}}
{{- $image := index . 1 -}}
{{- $tag := $image.tag | default (index . 2) -}}
{{- if eq $tag "latest" -}}
{{- fail (printf "%s.tag: `latest` is a moving tag; name a version" (index . 0)) -}}
{{- end -}}
{{- printf "%s:%s" $image.repository $tag -}}
{{- end -}}

{{/* The adstream image (the chart's appVersion unless image.tag names another). */}}
{{- define "adstream.image" -}}
{{- include "adstream.imageRef" (list "image" .Values.image .Chart.AppVersion) -}}
{{- end -}}

{{/* container args: node flags, then the entry file. Call with (list $ "services/ingest/src/main.ts"). */}}
{{- define "adstream.args" -}}
{{- $ := index . 0 -}}
{{- concat $.Values.nodeArgs (list (index . 1)) | toJson -}}
{{- end -}}

{{/* Pod-level security context of adstream pods. */}}
{{- define "adstream.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.security.runAsUser }}
runAsGroup: {{ .Values.security.runAsGroup }}
fsGroup: {{ .Values.security.runAsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Container-level security context, for every container the chart runs. Call with a bool: read-only root. */}}
{{- define "adstream.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: {{ . }}
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/* Spread a component's pods over nodes and zones. Call with (list $ "component"). */}}
{{- define "adstream.topologySpread" -}}
{{- $ := index . 0 -}}
{{- $component := index . 1 -}}
{{- if $.Values.topologySpread.enabled }}
topologySpreadConstraints:
{{- range list "kubernetes.io/hostname" "topology.kubernetes.io/zone" }}
  - maxSkew: {{ $.Values.topologySpread.maxSkew }}
    topologyKey: {{ . }}
    whenUnsatisfiable: {{ $.Values.topologySpread.whenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- include "adstream.selectorLabels" (list $ $component) | nindent 8 }}
    # Count only the current ReplicaSet's pods, so a rolling update does not skew.
    matchLabelKeys: ["pod-template-hash"]
{{- end }}
{{- end }}
{{- end -}}

{{/* NATS client URL(s) the services connect to. */}}
{{- define "adstream.natsUrl" -}}
{{- if .Values.nats.enabled -}}
{{- printf "nats://%s:4222" (include "adstream.componentName" (list . "nats")) -}}
{{- else -}}
{{- .Values.nats.external.url -}}
{{- end -}}
{{- end -}}

{{/* ClickHouse HTTP URL the services connect to. */}}
{{- define "adstream.clickhouseUrl" -}}
{{- if .Values.clickhouse.enabled -}}
{{- printf "http://%s:8123" (include "adstream.componentName" (list . "clickhouse")) -}}
{{- else -}}
{{- .Values.clickhouse.external.url -}}
{{- end -}}
{{- end -}}

{{/* Secret holding the ClickHouse passwords, and the key of each. */}}
{{- define "adstream.clickhouseSecretName" -}}
{{- .Values.clickhouse.existingSecret | default (include "adstream.componentName" (list . "clickhouse-credentials")) -}}
{{- end -}}
{{- define "adstream.clickhouseSecretKey" -}}
{{- if .Values.clickhouse.existingSecret -}}{{ .Values.clickhouse.existingSecretKey }}{{- else -}}password{{- end -}}
{{- end -}}
{{- define "adstream.clickhouseSqlSecretKey" -}}
{{- if .Values.clickhouse.existingSecret -}}{{ .Values.clickhouse.existingSecretSqlKey }}{{- else -}}sql-password{{- end -}}
{{- end -}}

{{/* Secret holding the API keys file. */}}
{{- define "adstream.apiKeysSecretName" -}}
{{- .Values.apiKeys.existingSecret | default (include "adstream.componentName" (list . "api-keys")) -}}
{{- end -}}

{{/* Where ingest and query find the API keys file. */}}
{{- define "adstream.apiKeysDir" -}}/etc/adstream/api-keys{{- end -}}

{{/* Service defaults rendered from the services' zod schemas (npm run render:chart). */}}
{{- define "adstream.envDefaults" -}}
{{- .Files.Get "files/env-defaults.yaml" -}}
{{- end -}}

{{/*
JetStream variables every service shares: the services' defaults, then the
values. JETSTREAM_REPLICAS follows the in-cluster NATS size (at most 3 copies)
unless set.
*/}}
{{- define "adstream.jetstreamEnv" -}}
{{- $js := (include "adstream.envDefaults" . | fromYaml).jetstream -}}
{{- if .Values.nats.enabled -}}
{{- $_ := set $js "JETSTREAM_REPLICAS" (min (int .Values.nats.replicas) 3) -}}
{{- end -}}
{{- mergeOverwrite $js .Values.jetstream | toYaml -}}
{{- end -}}

{{/* Environment of every adstream container: the pod's identity (downward API), for telemetry and leader election. */}}
{{- define "adstream.env" -}}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
{{- end -}}

{{/* The ClickHouse password of clickhouse.user, for the containers that talk to ClickHouse. */}}
{{- define "adstream.clickhousePasswordEnv" -}}
- name: CLICKHOUSE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "adstream.clickhouseSecretName" . }}
      key: {{ include "adstream.clickhouseSecretKey" . }}
{{- end -}}

{{/* envFrom of an adstream container. Call with (list $ "component"). */}}
{{- define "adstream.envFrom" -}}
- configMapRef:
    name: {{ include "adstream.componentName" (list (index . 0) "env") }}
- configMapRef:
    name: {{ include "adstream.componentName" . }}
{{- end -}}

{{/* Pod annotations that roll the pods when their configuration changes, plus scrape annotations. Call with (list $ "component" metricsPort). */}}
{{- define "adstream.podAnnotations" -}}
{{- $ := index . 0 -}}
checksum/config: {{ include (print $.Template.BasePath "/configmaps.yaml") $ | sha256sum }}
{{- if not (include "adstream.serviceMonitors" $) }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ index . 2 | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- end -}}

{{/* Non-empty when ServiceMonitors replace scrape annotations. */}}
{{- define "adstream.serviceMonitors" -}}
{{- if and .Values.metrics.serviceMonitor.enabled (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1/ServiceMonitor") -}}true{{- end -}}
{{- end -}}

{{/* An environment value as a quoted string; Helm reads numbers as floats, which would print as 5.24288e+06. */}}
{{- define "adstream.envValue" -}}
{{- if kindIs "float64" . -}}{{ int64 . | toString | quote }}{{- else -}}{{ toString . | quote }}{{- end -}}
{{- end -}}

{{/*
A ClickHouse password when no existingSecret holds it: the value given, else the
one generated at install (read back from the release's Secret), else, for an
in-cluster ClickHouse, a new random one. Every template that needs it gets the
same. Call with (list $ "password" .Values.clickhouse.password), the middle
being the key in the chart's Secret.
*/}}
{{- define "adstream.clickhousePassword" -}}
{{- $ := index . 0 -}}
{{- $key := index . 1 -}}
{{- if index . 2 -}}
{{- index . 2 -}}
{{- else -}}
{{- $existing := lookup "v1" "Secret" $.Release.Namespace (include "adstream.clickhouseSecretName" $) -}}
{{- if and $existing (hasKey ($existing.data | default dict) $key) -}}
{{- index $existing.data $key | b64dec -}}
{{- else if $.Values.clickhouse.enabled -}}
{{- randAlphaNum 32 -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Scheduling and pull settings of a pod. Call with (list $ componentValues). */}}
{{- define "adstream.podScheduling" -}}
{{- $ := index . 0 -}}
{{- $c := index . 1 -}}
{{- with $.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $c.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $c.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The PodDisruptionBudget of a component. Call with (list $ "component" componentValues). */}}
{{- define "adstream.pdb" -}}
{{- $ := index . 0 -}}
{{- $c := index . 2 -}}
{{- if $c.podDisruptionBudget.enabled }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "adstream.componentName" (list $ (index . 1)) }}
  labels:
    {{- include "adstream.labels" (list $ (index . 1)) | nindent 4 }}
spec:
  maxUnavailable: {{ $c.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "adstream.selectorLabels" (list $ (index . 1)) | nindent 6 }}
{{- end }}
{{- end -}}

{{/* CPU HorizontalPodAutoscaler of a Deployment. Call with (list $ "component" componentValues). */}}
{{- define "adstream.hpa" -}}
{{- $ := index . 0 -}}
{{- $c := index . 2 -}}
{{- if $c.autoscaling.enabled }}
{{- if gt (int $c.autoscaling.minReplicas) (int $c.autoscaling.maxReplicas) }}
{{- fail (printf "%s.autoscaling.minReplicas (%d) must not exceed %s.autoscaling.maxReplicas (%d)" (index . 1) (int $c.autoscaling.minReplicas) (index . 1) (int $c.autoscaling.maxReplicas)) }}
{{- end }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "adstream.componentName" (list $ (index . 1)) }}
  labels:
    {{- include "adstream.labels" (list $ (index . 1)) | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "adstream.componentName" (list $ (index . 1)) }}
  minReplicas: {{ $c.autoscaling.minReplicas }}
  maxReplicas: {{ $c.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $c.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
{{- end -}}

{{/*
Refuses a SHUTDOWN_GRACE_MS that the pod's termination grace period would cut
short (Kubernetes SIGKILLs the pod when the period ends). Call with
(list $ "component" componentValues).
*/}}
{{- define "adstream.checkGrace" -}}
{{- $ := index . 0 -}}
{{- $c := index . 2 -}}
{{- $default := index (include "adstream.envDefaults" $ | fromYaml).shutdownGraceMs (index . 1) -}}
{{- $graceMs := int64 (get $c.config "SHUTDOWN_GRACE_MS" | default $default) -}}
{{- if ge $graceMs (mul (int64 $c.terminationGracePeriodSeconds) 1000) -}}
{{- fail (printf "%s.terminationGracePeriodSeconds (%d s) must exceed %s.config.SHUTDOWN_GRACE_MS (%d ms), or Kubernetes kills the pod before it has drained" (index . 1) (int64 $c.terminationGracePeriodSeconds) (index . 1) $graceMs) -}}
{{- end -}}
{{- end -}}
