{{- define "search-indexer.labels" -}}
app: {{ .Chart.Name }}
{{- end }}
