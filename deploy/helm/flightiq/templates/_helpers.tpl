{{- define "flightiq.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "flightiq.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "flightiq.labels" -}}
app.kubernetes.io/name: {{ include "flightiq.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{- define "flightiq.selector" -}}
app.kubernetes.io/name: {{ include "flightiq.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
