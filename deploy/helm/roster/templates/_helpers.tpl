{{/* Chart name, overridable. */}}
{{- define "roster.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified name: the release name, suffixed with the chart name unless it holds it. */}}
{{- define "roster.fullname" -}}
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

{{/* Labels that select the server pods; never change between upgrades. */}}
{{- define "roster.selectorLabels" -}}
app.kubernetes.io/name: {{ include "roster.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: server
{{- end }}

{{/* Labels on every object. */}}
{{- define "roster.labels" -}}
{{ include "roster.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: roster
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{- define "roster.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "roster.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The image reference; `latest` and empty tags are refused. */}}
{{- define "roster.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag | toString }}
{{- if eq $tag "latest" }}
{{- fail "image.tag: `latest` is not allowed; pin a version or a digest" }}
{{- end }}
{{- if hasPrefix "sha256:" $tag }}
{{- printf "%s@%s" .Values.image.repository $tag }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/* The restricted Pod Security Standard, for every container. */}}
{{- define "roster.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Checks that make a bad configuration fail at render time instead of in production. */}}
{{- define "roster.validate" -}}
{{- $s := .Values.shutdown }}
{{- /* values.schema.json makes every shutdown.* a whole number of seconds >= 0. */}}
{{- $needed := add (int $s.preStopSleepSeconds) (int $s.drainSeconds) (int $s.graceSeconds) (int $s.marginSeconds) }}
{{- if gt $needed (int $s.terminationGracePeriodSeconds) }}
{{- fail (printf "shutdown: preStopSleepSeconds (%d) + drainSeconds (%d) + graceSeconds (%d) + marginSeconds (%d) = %d exceeds terminationGracePeriodSeconds (%d); the kubelet would kill in-flight calls" (int $s.preStopSleepSeconds) (int $s.drainSeconds) (int $s.graceSeconds) (int $s.marginSeconds) $needed (int $s.terminationGracePeriodSeconds)) }}
{{- end }}
{{- $mode := .Values.database.mode }}
{{- if eq $mode "sqlite" }}
{{- if ne (int .Values.replicaCount) 1 }}
{{- fail "database.mode=sqlite: replicaCount must be 1 (SQLite has one writer)" }}
{{- end }}
{{- if .Values.autoscaling.enabled }}
{{- fail "database.mode=sqlite: autoscaling cannot be enabled (SQLite has one writer)" }}
{{- end }}
{{- if .Values.podDisruptionBudget.enabled }}
{{- fail "database.mode=sqlite: a PodDisruptionBudget would block node drains for the single replica" }}
{{- end }}
{{- else }}
{{- if not .Values.database.postgresql.existingSecret }}
{{- fail "database.mode=postgresql: database.postgresql.existingSecret must name the Secret that holds the URL (--set database.postgresql.existingSecret=...)" }}
{{- end }}
{{- end }}
{{- if .Values.auth.enabled }}
{{- if eq (empty .Values.auth.jwks.configMapName) (empty .Values.auth.jwks.secretName) }}
{{- fail "auth.enabled: set exactly one of auth.jwks.configMapName and auth.jwks.secretName" }}
{{- end }}
{{- if or (not .Values.auth.issuer) (not .Values.auth.audience) }}
{{- fail "auth.enabled: auth.issuer and auth.audience are required (--set auth.issuer=https://... --set auth.audience=...)" }}
{{- end }}
{{- range $name, $value := dict "auth.issuer" .Values.auth.issuer "auth.audience" .Values.auth.audience }}
{{- if regexMatch "(?i)your-|changeme|placeholder|example\\.(com|org|net)" $value }}
{{- fail (printf "%s=%s is a placeholder: set your identity provider's value" $name $value) }}
{{- end }}
{{- end }}
{{- end }}
{{- if .Values.autoscaling.enabled }}
{{- if lt (int .Values.autoscaling.minReplicas) 2 }}
{{- fail "autoscaling.minReplicas must be at least 2 so that a rolling update or a drain keeps a replica serving" }}
{{- end }}
{{- end }}
{{- end }}
