# Tracing is off for `make run` unless the caller names an exporter
# (e.g. OTEL_TRACES_EXPORTER=otlp make run, with a collector on localhost:4317).
run: export OTEL_TRACES_EXPORTER ?= none
