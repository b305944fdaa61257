"""Only for ROSTER_WORKERS > 1: the supervisor, the address reservation, peer nudges, merged metrics."""
