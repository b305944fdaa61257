"""Fixtures for the multi-replica tests: the session's private PostgreSQL."""

from __future__ import annotations

from tests.postgres_server import postgres_cluster, postgres_url

__all__ = ["postgres_cluster", "postgres_url"]
