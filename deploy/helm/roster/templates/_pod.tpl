{{/* Where the database is. In postgresql mode the URL (with its password) is a file mounted
     from a Secret, so it never appears in the environment (kubectl describe, /proc/PID/environ). */}}
{{- define "roster.databaseEnv" -}}
{{- if eq .Values.database.mode "sqlite" }}
- name: ROSTER_DATABASE_URL
  value: {{ printf "sqlite:///%s" .Values.database.sqlite.path | quote }}
{{- else }}
- name: ROSTER_DATABASE_URL_FILE
  value: /etc/roster/database/url
- name: ROSTER_DATABASE_POOL_SIZE
  value: {{ .Values.database.postgresql.poolSize | quote }}
- name: ROSTER_DATABASE_STATEMENT_TIMEOUT_SECONDS
  value: {{ .Values.database.postgresql.statementTimeoutSeconds | quote }}
{{- end }}
{{- end }}

{{/* Logging and telemetry, shared by the server and the migration. */}}
{{- define "roster.commonEnv" -}}
- name: ROSTER_LOG_LEVEL
  value: {{ .Values.server.logLevel | quote }}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: OTEL_SERVICE_NAME
  value: {{ .Values.otel.serviceName | quote }}
- name: OTEL_RESOURCE_ATTRIBUTES
  value: "k8s.pod.name=$(POD_NAME),k8s.namespace.name=$(POD_NAMESPACE),service.version={{ .Chart.AppVersion }}"
{{- if .Values.otel.exporterEndpoint }}
- name: OTEL_TRACES_EXPORTER
  value: otlp
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ .Values.otel.exporterEndpoint | quote }}
- name: OTEL_TRACES_SAMPLER
  value: {{ .Values.otel.sampler | quote }}
- name: OTEL_TRACES_SAMPLER_ARG
  value: {{ .Values.otel.samplerArg | quote }}
{{- else }}
- name: OTEL_TRACES_EXPORTER
  value: none
{{- end }}
{{- end }}

{{/* The server's own settings: addresses, shutdown budget, workers, authentication. */}}
{{- define "roster.serverEnv" -}}
- name: ROSTER_LISTEN_ADDRESS
  value: {{ printf "0.0.0.0:%d" (int .Values.server.grpcPort) | quote }}
- name: ROSTER_METRICS_ADDRESS
  value: {{ printf "0.0.0.0:%d" (int .Values.server.metricsPort) | quote }}
- name: ROSTER_REFLECTION
  value: {{ .Values.server.reflection | toString | quote }}
- name: ROSTER_DRAIN_SECONDS
  value: {{ .Values.shutdown.drainSeconds | quote }}
- name: ROSTER_SHUTDOWN_GRACE_SECONDS
  value: {{ .Values.shutdown.graceSeconds | quote }}
- name: ROSTER_PURGE_AFTER_SECONDS
  value: {{ .Values.retention.purgeAfterSeconds | int64 | toString | quote }}
- name: ROSTER_IDEMPOTENCY_RETENTION_SECONDS
  value: {{ .Values.retention.idempotencySeconds | int64 | toString | quote }}
{{- if .Values.server.workersFromCpuLimit }}
# One worker per CPU of the limit, rounded up.
- name: ROSTER_WORKERS
  valueFrom:
    resourceFieldRef:
      containerName: roster
      resource: limits.cpu
      divisor: "1"
{{- end }}
{{- if .Values.auth.enabled }}
- name: ROSTER_AUTH_JWKS_FILE
  value: /etc/roster/auth/jwks.json
- name: ROSTER_AUTH_ISSUER
  value: {{ .Values.auth.issuer | quote }}
- name: ROSTER_AUTH_AUDIENCE
  value: {{ .Values.auth.audience | quote }}
{{- end }}
{{- with .Values.server.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Mounts: scratch /tmp, the SQLite volume and the JWKS when they apply. */}}
{{- define "roster.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if eq .Values.database.mode "sqlite" }}
- name: data
  mountPath: {{ dir .Values.database.sqlite.path }}
{{- end }}
{{- if eq .Values.database.mode "postgresql" }}
- name: database
  mountPath: /etc/roster/database
  readOnly: true
{{- end }}
{{- if .Values.auth.enabled }}
- name: jwks
  mountPath: /etc/roster/auth
  readOnly: true
{{- end }}
{{- end }}

{{/* Spread replicas over nodes and zones; matchLabelKeys counts each rollout's pods apart. */}}
{{- define "roster.scheduling" -}}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: {{ .Values.topologySpread.nodeWhenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- include "roster.selectorLabels" . | nindent 8 }}
    matchLabelKeys:
      - pod-template-hash
  - maxSkew: 1
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: {{ .Values.topologySpread.zoneWhenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- include "roster.selectorLabels" . | nindent 8 }}
    matchLabelKeys:
      - pod-template-hash
{{- if eq .Values.podAntiAffinity "preferred" }}
affinity:
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels:
              {{- include "roster.selectorLabels" . | nindent 14 }}
{{- else if eq .Values.podAntiAffinity "required" }}
affinity:
  podAntiAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
      - topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "roster.selectorLabels" . | nindent 12 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
