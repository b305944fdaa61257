"""`make bench-smoke` runs every server and workload once and reports well-formed rows."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "build" / "bench" / "smoke"
EXPECTED = {
    ("GetUser", "baseline-echo"),
    ("GetUser", "baseline-naive"),
    ("GetUser", "roster-1w"),
    ("GetUser", "roster-2w"),
    ("GetUser (v2)", "roster-1w"),
    ("GetUser (v2)", "roster-2w"),
    ("ListUsers (100, filter)", "roster-1w"),
    ("ListUsers (100, filter)", "roster-2w"),
    ("CreateUser (durable)", "baseline-naive"),
    ("CreateUser (durable)", "roster-1w"),
    ("CreateUser (durable)", "roster-2w"),
    ("mix 90/10: reads", "baseline-naive"),
    ("mix 90/10: writes", "baseline-naive"),
    ("mix 90/10: reads", "roster-1w"),
    ("mix 90/10: writes", "roster-1w"),
    ("mix 90/10: reads", "roster-2w"),
    ("mix 90/10: writes", "roster-2w"),
    ("GetUser", "roster-1w uvloop"),
    ("GetUser", "roster-1w pool-reads"),
    ("CreateUser (durable)", "roster-1w one-commit"),
}


@pytest.fixture(scope="module")
def summary() -> dict[str, Any]:
    """The smoke run's results.json, after running `make bench-smoke` once."""
    done = subprocess.run(
        ["make", "--no-print-directory", "bench-smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    loaded: dict[str, Any] = json.loads((OUT / "results.json").read_text())
    return loaded


@pytest.mark.slow
def test_every_server_and_workload_has_exactly_one_row(summary: dict[str, Any]) -> None:
    rows = [(row["workload"], row["server"]) for row in summary["rows"]]
    assert sorted(rows) == sorted(EXPECTED)


@pytest.mark.slow
def test_every_row_counts_successful_calls_with_ordered_latencies_and_server_cpu(
    summary: dict[str, Any],
) -> None:
    bad = [
        row
        for row in summary["rows"]
        if not (
            row["calls"] > 0
            and row["errors"] == 0
            and row["rps"] > 0
            and 0 < row["p50_ms"] <= row["p99_ms"]
            and row["cpu_us"] > 0
        )
    ]
    assert bad == []


@pytest.mark.slow
def test_every_watcher_receives_every_change_made_after_its_bookmark(
    summary: dict[str, Any],
) -> None:
    watched = summary["watch"]
    assert {(outcome["server"], outcome["per_response"]) for outcome in watched} == {
        (server, per_response)
        for server in ("roster-1w", "roster-2w")
        for per_response in (0, 100)  # one change per response, and batched
    }
    for outcome in watched:
        assert outcome["writes"] > 0
        assert outcome["write_errors"] == 0
        assert outcome["stream_errors"] == 0
        assert (
            outcome["delivered"] == outcome["expected"] == outcome["watchers"] * outcome["writes"]
        )
        assert 0 < outcome["p50_ms"] <= outcome["p99_ms"]


@pytest.mark.slow
def test_every_server_exits_zero_on_sigterm_after_the_load(summary: dict[str, Any]) -> None:
    assert summary["exit_codes"] == {
        "baseline-echo": 0,
        "baseline-naive": 0,
        "roster-1w": 0,
        "roster-2w": 0,
        "roster-1w uvloop": 0,
        "roster-1w pool-reads": 0,
        "roster-1w one-commit": 0,
    }


@pytest.mark.slow
def test_the_markdown_report_has_a_table_line_per_row_and_the_cpu_count(
    summary: dict[str, Any],
) -> None:
    report = (OUT / "results.md").read_text()
    for row in summary["rows"]:
        assert f"| {row['workload']} | {row['server']} |" in report
    assert f"- cpus: {summary['environment']['cpus']}" in report
