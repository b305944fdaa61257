"""Checks of deploy/monitoring: SLO rules, their promtool tests and the Grafana dashboard."""
