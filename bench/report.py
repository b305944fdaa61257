"""The benchmark report: the Markdown table, the target ratios and the environment."""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from bench import comparisons
from bench.plan import Grpcio

Summary = dict[str, Any]


def spans(log: Path) -> int:
    """Spans the local OTLP receiver counted (-1 if it did not report)."""
    for line in log.read_text().splitlines():
        entry = json.loads(line)
        if entry.get("message") == "spans":
            return int(entry["spans"])
    return -1


def _version(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        return (done.stdout + done.stderr).strip()
    except OSError:
        return "unknown"


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def other_grpcio(venv: Path) -> Grpcio:
    """The second virtualenv's interpreter and the grpcio version it imports."""
    python = venv / "bin" / "python"
    done = subprocess.run(
        [str(python), "-c", "import grpc; print(grpc.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    )
    return Grpcio(python, done.stdout.strip())


def _declared_conflicts(venv: Path) -> str:
    """What `uv pip check` said of the second virtualenv (bench/grpcio_venv.sh wrote it)."""
    lines = (venv / "pip-check.txt").read_text().splitlines()
    found = [line for line in lines if line.startswith("The package")]
    return "; ".join(found) or "none"


def environment(args: argparse.Namespace, other: Grpcio | None = None) -> dict[str, str]:
    """CPU count and model, and the versions that shape the numbers."""
    packages = ("grpcio", "protobuf", "opentelemetry-sdk", "prometheus-client", "uvloop")
    versions = {}
    for package in packages:
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return {
        "cpus": str(os.cpu_count()),
        "cpu_model": _cpu_model(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "ghz": args.ghz_version,
        "go": _version(["go", "env", "GOVERSION"]),
        **versions,
        **(
            {
                "grpcio (second virtualenv)": other.version,
                "second virtualenv's declared conflicts": _declared_conflicts(
                    other.python.parents[1]
                ),
            }
            if other is not None
            else {}
        ),
    }


def _row(summary: Summary, workload: str, server: str) -> dict[str, float] | None:
    return next(
        (r for r in summary["rows"] if r["workload"] == workload and r["server"] == server), None
    )


def ratio(summary: Summary, workload: str, key: str, top: str, bottom: str) -> float | None:
    """row(top)[key] / row(bottom)[key] for one workload, if both ran."""
    a, b = _row(summary, workload, top), _row(summary, workload, bottom)
    if a is None or b is None or not b[key]:
        return None
    return a[key] / b[key]


def version_ratio(summary: Summary, key: str, server: str = "roster-1w") -> float | None:
    """`key` of GetUser through roster.user.v2 over through v1, on one server in one run."""
    v2, v1 = _row(summary, "GetUser (v2)", server), _row(summary, "GetUser", server)
    if v2 is None or v1 is None or not v1[key]:
        return None
    return v2[key] / v1[key]


TARGETS = [
    ("GetUser", "rps", "roster-1w", "baseline-echo", ">= 0.80"),
    ("GetUser", "cpu_us", "roster-1w", "baseline-echo", "<= 1.25"),
    ("GetUser", "rps", "roster-1w", "baseline-naive", ">= 1.5"),
    ("GetUser", "p99_ms", "roster-1w", "baseline-naive", "<= 0.67"),
    ("GetUser", "rps", "roster-2w", "roster-1w", ">= 1.15"),
    ("GetUser", "cpu_us", "roster-2w", "roster-1w", "<= 1.1"),
    ("CreateUser (durable)", "rps", "roster-1w", "roster-1w one-commit", ">= 3"),
    (
        "CreateUser (durable)",
        "rps",
        "roster-1w",
        "baseline-naive",
        "(naive: one commit per request)",
    ),
    ("CreateUser (durable)", "rps", "roster-2w", "baseline-naive", ""),
]


def _fmt(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _shedding(shed: dict[str, Any] | None) -> list[str]:
    """The load-shedding table: open-loop GetUser at multiples of the measured capacity."""
    if not shed:
        return []
    lines = ["", f"## Load shedding ({shed['server']}, {shed['method']})", ""]
    lines += [
        f"Capacity (closed loop): {shed['capacity_rps']:.0f} calls/s; each row offers a "
        "multiple of it at a fixed rate (bench/shedding.py).",
        "",
        "| Offered | offered rps | served rps | refused (code: calls) | p50 served ms "
        "| p99 served ms |",
        "|---:|---:|---:|---|---:|---:|",
    ]
    for r in shed["rows"]:
        refused = ", ".join(
            f"{code}: {n}" for code, n in sorted(r["codes"].items()) if code != "OK"
        )
        lines.append(
            f"| {r['multiple']}x | {r['offered_rps']:.0f} | {r['served_rps']:.0f} "
            f"| {refused or 'none'} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} |"
        )
    return lines


def markdown(summary: Summary) -> str:
    """The whole report."""
    lines = [
        "# Roster benchmark",
        "",
        "Regenerated by `make bench` (bench/run.py); medians of interleaved runs. The machine",
        "may be shared: compare rows of one run, not across runs. Method: bench/README.md.",
        "",
        "| Workload | Server | rps | p50 ms | p99 ms | CPU µs/RPC | calls | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in summary["rows"]:
        lines.append(
            f"| {r['workload']} | {r['server']} | {r['rps']:.0f} | {r['p50_ms']:.2f} "
            f"| {r['p99_ms']:.2f} | {r['cpu_us']:.0f} | {r['calls']} | {r['errors']} |"
        )
    lines += ["", "## Targets (ratios from this run)", ""]
    lines += ["| Workload | Metric | Ratio | Value | Target |", "|---|---|---|---:|---|"]
    for workload, key, top, bottom, target in TARGETS:
        value = ratio(summary, workload, key, top, bottom)
        lines.append(f"| {workload} | {key} | {top} / {bottom} | {_fmt(value)} | {target} |")
    for key, target in (("cpu_us", "<= 1.0 (same run)"), ("rps", "")):
        value = version_ratio(summary, key)
        lines.append(f"| GetUser (v2) / GetUser | {key} | roster-1w | {_fmt(value)} | {target} |")
    lines += comparisons.markdown(summary, summary["environment"].get("grpcio (second virtualenv)"))
    lines += ["", "## WatchUsers fan-out", ""]
    lines += [
        "| Server | changes/s | changes per response | watchers | writes (failed) | write p99 ms "
        "| watchers cut off | delivered / expected | p50 ms | p99 ms | max ms "
        "| RSS idle / open / after MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---|",
    ]
    for w in summary["watch"]:
        per_response = f"up to {w['per_response']}" if w["per_response"] > 1 else "1"
        lines.append(
            f"| {w['server']} | {w['rate']:.0f} | {per_response} | {w['watchers']} | {w['writes']} "
            f"({w['write_errors']}) | {w.get('write_p99_ms', 0):.1f} | {w.get('cut_off', 0)} "
            f"| {w['delivered']} / {w['expected']} "
            f"| {w['p50_ms']:.1f} | {w['p99_ms']:.1f} | {w['max_ms']:.1f} "
            f"| {w['rss_idle_mib']:.0f} / {w['rss_open_mib']:.0f} / {w['rss_after_mib']:.0f} |"
        )
    lines += _shedding(summary.get("shedding"))
    if summary["profile"]:
        lines += ["", "## Top costs (py-spy, roster-1w under GetUser load)", ""]
        lines += ["| Frame | self % | total % |", "|---|---:|---:|"]
        # Frames on every stack (main, run_forever, ...) say nothing.
        for p in [p for p in summary["profile"] if p["total_pct"] < 95 or p["self_pct"] >= 1]:
            frame = p["frame"].replace("|", "\\|")
            lines.append(f"| `{frame}` | {p['self_pct']:.1f} | {p['total_pct']:.1f} |")
    lines += ["", "## Environment", ""]
    lines += [f"- {key}: {value}" for key, value in summary["environment"].items()]
    lines += [
        f"- spans exported to the local OTLP receiver: {summary['spans_exported']}",
        f"- server exit codes: {summary['exit_codes']}",
        f"- scale: {summary['scale']}",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    # Rewrite a report from a run's results.json: python -m bench.report JSON MD
    import sys

    Path(sys.argv[2]).write_text(markdown(json.loads(Path(sys.argv[1]).read_text())))
