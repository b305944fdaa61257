"""The benchmark harness, run in its smoke mode."""
