"""The gRPC boundary: proto <-> domain translation, the servicer and the error table."""
