"""Health and probes, the running handle, the SIGTERM drain."""
