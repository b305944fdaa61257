"""Roster's benchmark: load generators, baselines and the report."""
