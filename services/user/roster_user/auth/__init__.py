"""Bearer-token authentication and per-method authorization for the gRPC server."""
