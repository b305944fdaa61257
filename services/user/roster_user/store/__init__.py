"""Persistence: the UserStore protocol and its SQLite and PostgreSQL implementations."""
