"""Roster's user service: a grpc.aio server over a SQLite or PostgreSQL store."""
