"""The user model, its rules and errors; knows nothing of gRPC or SQL."""
