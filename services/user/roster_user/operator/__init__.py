"""`roster-user users`: the operator's command line, a gRPC client of a running server."""
