"""`make consumers` ends with the plain closing line "N passed, N failed" of these tests."""

from __future__ import annotations

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Count this directory's test outcomes (calls, and setups that failed) on one line."""
    stats = terminalreporter.stats

    def ours(key: str) -> int:
        return sum(
            1
            for report in stats.get(key, [])
            if "tests/consumers/" in getattr(report, "nodeid", "")
            and getattr(report, "when", "call") in ("call", "setup")
        )

    passed, failed = ours("passed"), ours("failed") + ours("error")
    if passed or failed:
        terminalreporter.write_line(f"consumers: {passed} passed, {failed} failed")
