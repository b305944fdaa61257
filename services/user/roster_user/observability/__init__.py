"""Tracing set-up, the metrics registry and endpoint, JSON logs."""
