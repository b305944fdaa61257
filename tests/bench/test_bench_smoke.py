"""`make bench-smoke` runs every server and workload once and reports well-formed rows."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "build" / "bench" / "smoke"
# The grpcio the servers run on a second time (mk/bench.mk BENCH_GRPCIO).
OTHER_GRPCIO = "1.75.0"
# roster-1w serving GetUser only: unchanged (`full`), then each layer off in turn, auth on,
# nothing but the handler.
LAYER_VARIANTS = (
    "full",
    "spans unsampled",
    "tracing off",
    "no-metadata-limit",
    "no-metrics",
    "no-admission",
    "auth on",
    "no-boundary",
    "no-limits",
    "no-layers",
    "canned",
)
EXTRA_SERVERS = (
    *(f"roster-1w {variant}" for variant in LAYER_VARIANTS),
    f"baseline-echo grpcio {OTHER_GRPCIO}",
    f"roster-1w grpcio {OTHER_GRPCIO}",
)
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
    *(("GetUser", server) for server in EXTRA_SERVERS),
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
        **dict.fromkeys(EXTRA_SERVERS, 0),
    }


@pytest.mark.slow
def test_the_markdown_report_has_a_table_line_per_row_and_the_cpu_count(
    summary: dict[str, Any],
) -> None:
    report = (OUT / "results.md").read_text()
    for row in summary["rows"]:
        assert f"| {row['workload']} | {row['server']} |" in report
    assert f"- cpus: {summary['environment']['cpus']}" in report


def _serving(server: str) -> dict[str, Any]:
    """The `serving` line of a smoke-run server's log."""
    for line in (OUT / f"{server}.log").read_text().splitlines():
        if line.startswith("{") and json.loads(line).get("message") == "serving":
            entry: dict[str, Any] = json.loads(line)
            return entry
    raise AssertionError(f"{server} never logged serving")


@pytest.mark.slow
def test_the_auth_on_server_verified_the_token_ghz_sent_with_every_call(
    summary: dict[str, Any],
) -> None:
    # Its row has calls and no errors (above): every call carried a token it accepted.
    assert _serving("roster-1w auth on")["auth"] == "on"
    assert _serving("roster-1w")["auth"] == "off"


@pytest.mark.slow
def test_the_other_grpcio_servers_run_on_that_grpcio_and_the_others_on_the_pinned_one(
    summary: dict[str, Any],
) -> None:
    environment = summary["environment"]
    assert environment["grpcio (second virtualenv)"] == OTHER_GRPCIO != environment["grpcio"]
    assert _serving(f"baseline-echo grpcio {OTHER_GRPCIO}")["grpcio"] == OTHER_GRPCIO
    assert _serving("baseline-echo")["grpcio"] == environment["grpcio"]


@pytest.mark.slow
def test_every_layer_has_a_price_from_two_rows_of_the_run(summary: dict[str, Any]) -> None:
    priced = {(p["with"], p["without"]) for p in summary["layer_prices"]}
    assert {f"roster-1w {variant}" for variant in LAYER_VARIANTS} == {
        server for pair in priced for server in pair if server.startswith("roster-1w ")
    }
    cpu = {row["server"]: row["cpu_us"] for row in summary["rows"] if row["workload"] == "GetUser"}
    for price in summary["layer_prices"]:
        assert price["price_us"] == cpu[price["with"]] - cpu[price["without"]]


@pytest.mark.slow
def test_the_markdown_report_has_the_layer_prices_and_the_grpcio_and_event_loop_choices(
    summary: dict[str, Any],
) -> None:
    report = (OUT / "results.md").read_text()
    for price in summary["layer_prices"]:
        assert f"| {price['layer']} | {price['with']} | {price['without']} |" in report
    for choice in ("event loop: uvloop / asyncio", f"grpcio {OTHER_GRPCIO} / pinned: echo"):
        assert f"| {choice} |" in report
    assert f"grpcio {OTHER_GRPCIO} / pinned: roster | roster-1w full | roster-1w grpcio" in report
    assert "| GetUser (v2) / GetUser | rps | roster-1w |" in report
