{{/* Names and labels. */}}
{{- define "stepjet.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "stepjet.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "stepjet.selectorLabels" -}}
app.kubernetes.io/name: {{ include "stepjet.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "stepjet.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "stepjet.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: executor
{{- end }}

{{- define "stepjet.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "stepjet.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "stepjet.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* The NATS chart's fullname, as that chart computes it, for its Service's address. */}}
{{- define "stepjet.natsFullname" -}}
{{- $n := .Values.nats }}
{{- if $n.fullnameOverride }}
{{- $n.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default "nats" $n.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Refuses the value combinations that cannot work, with a message saying what to change. */}}
{{- define "stepjet.validate" -}}
{{- if and .Values.nats.enabled .Values.externalNats.url }}
{{- fail "set either nats.enabled (the NATS chart as a dependency) or externalNats.url, not both" }}
{{- end }}
{{- if not (or .Values.nats.enabled .Values.externalNats.url) }}
{{- fail "stepjet needs NATS JetStream: set externalNats.url (e.g. nats://nats.nats.svc:4222) or nats.enabled=true" }}
{{- end }}
{{- if and (not .Values.api.credentials.existingSecret) (not .Values.api.allowUnauthenticated) }}
{{- fail "the API would be served on the cluster network without authentication: set api.credentials.existingSecret to a Secret with a SigV4 key pair, or api.allowUnauthenticated=true" }}
{{- end }}
{{- if and .Values.autoscaling.hpa.enabled .Values.autoscaling.keda.enabled }}
{{- fail "autoscaling.hpa and autoscaling.keda are mutually exclusive: KEDA creates its own HPA" }}
{{- end }}
{{- if and .Values.autoscaling.keda.enabled (lt (int .Values.autoscaling.keda.minReplicaCount) 1) (not .Values.autoscaling.keda.allowScaleToZero) }}
{{- fail "autoscaling.keda.minReplicaCount below 1 leaves no executor for StartSyncExecution: set autoscaling.keda.allowScaleToZero=true if that is what you want" }}
{{- end }}
{{- if and .Values.autoscaling.keda.enabled (not (include "stepjet.natsMonitoring" .)) }}
{{- fail "autoscaling.keda needs the NATS monitoring endpoint: set externalNats.monitoringEndpoint (host:8222)" }}
{{- end }}
{{- if and .Values.definitions.existingConfigMap .Values.definitions.machines }}
{{- fail "set definitions.machines or definitions.existingConfigMap, not both" }}
{{- end }}
{{- end }}

{{/* The --nats-url every executor gets. */}}
{{- define "stepjet.natsUrl" -}}
{{- if .Values.nats.enabled }}
{{- printf "nats://%s.%s.svc:4222" (include "stepjet.natsFullname" .) .Release.Namespace }}
{{- else }}
{{- .Values.externalNats.url }}
{{- end }}
{{- end }}

{{/* Stream and bucket replicas: the NATS chart's cluster size, or externalNats.streamReplicas. */}}
{{- define "stepjet.streamReplicas" -}}
{{- if .Values.nats.enabled }}
{{- $c := .Values.nats.config.cluster }}
{{- if $c.enabled }}{{ min 3 (int $c.replicas) }}{{ else }}1{{ end }}
{{- else }}
{{- int .Values.externalNats.streamReplicas }}
{{- end }}
{{- end }}

{{/* host:port of the NATS monitoring endpoint KEDA reads (empty when unknown). For the NATS
chart it is the headless Service: on a cluster KEDA asks the stream's leader by its server name,
<pod>.<headless service>, which only the headless Service's DNS answers. */}}
{{- define "stepjet.natsMonitoring" -}}
{{- if .Values.nats.enabled }}
{{- printf "%s-headless.%s.svc.cluster.local:%d" (include "stepjet.natsFullname" .) .Release.Namespace (int .Values.nats.config.monitor.port) }}
{{- else }}
{{- .Values.externalNats.monitoringEndpoint }}
{{- end }}
{{- end }}

{{/* JetStream names derived from --prefix (package wire: Layout.ExecutionsStream, SyncQueue). */}}
{{- define "stepjet.executionsStream" -}}
{{- printf "%s_EXECUTIONS" (.Values.prefix | replace "." "_" | upper) }}
{{- end }}
{{- define "stepjet.executionsConsumer" -}}
{{- printf "%s-executors" .Values.prefix }}
{{- end }}

{{- define "stepjet.definitionsConfigMap" -}}
{{- if .Values.definitions.existingConfigMap }}
{{- .Values.definitions.existingConfigMap }}
{{- else if .Values.definitions.machines }}
{{- printf "%s-definitions" (include "stepjet.fullname" .) }}
{{- end }}
{{- end }}

{{/* The smallest number of replicas that will run: decides whether a PDB makes sense. */}}
{{- define "stepjet.minReplicas" -}}
{{- if .Values.autoscaling.hpa.enabled }}
{{- int .Values.autoscaling.hpa.minReplicas }}
{{- else if .Values.autoscaling.keda.enabled }}
{{- int .Values.autoscaling.keda.minReplicaCount }}
{{- else }}
{{- int .Values.replicaCount }}
{{- end }}
{{- end }}
