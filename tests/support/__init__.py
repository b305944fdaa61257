"""Helpers shared by every kind of test: processes, probes, waiting, errors, data corruption, PostgreSQL."""
