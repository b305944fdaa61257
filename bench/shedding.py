"""Load shedding: GetUser offered open-loop at 1x, 2x and 4x of the measured capacity.

ghz at a fixed rate (`--rps`) with enough workers that the offered rate does not
wait for answers, the way independent callers arrive. Each row: what was
offered, what was served, how the rest ended, and the p99 of the served calls.
"""

from __future__ import annotations

import collections
import json
import subprocess
from pathlib import Path
from typing import Any

from bench.load import SERVICE, Shape, Workload, ghz_command, run
from bench.procs import Server

MULTIPLES = (1, 2, 4)
# Enough workers and connections that ghz keeps the rate while calls wait.
OPEN_WORKERS, OPEN_CONNECTIONS = 2000, 100


def capacity(ghz: Path, protoset: Path, server: Server, work: Workload, shape: Shape) -> float:
    """The served rate of a closed-loop run at the workload's own concurrency."""
    return run(ghz, protoset, server, [work], shape)[0].rps


def offered(
    ghz: Path, protoset: Path, server: Server, work: Workload, rps: float, seconds: float
) -> dict[str, Any]:
    """One open-loop run at `rps`; the outcome of every call."""
    calls = max(int(rps * seconds), 1)
    shape = Shape(calls=calls)
    command = ghz_command(ghz, protoset, server.address, work, shape)
    command[-1:-1] = ["--rps", str(int(rps))]  # before the address, which comes last
    command[command.index("--concurrency") + 1] = str(OPEN_WORKERS)
    command[command.index("--connections") + 1] = str(OPEN_CONNECTIONS)
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=300)
    report = json.loads(done.stdout)
    details = report.get("details") or []
    codes = collections.Counter(d.get("status") or "OK" for d in details)
    served = sorted(d["latency"] / 1e6 for d in details if (d.get("status") or "OK") == "OK")
    seconds_taken = float(report["total"]) / 1e9
    return {
        "offered_rps": rps,
        "calls": len(details),
        "served_rps": len(served) / seconds_taken if seconds_taken else 0.0,
        "codes": dict(codes),
        "p50_ms": _pct(served, 0.50),
        "p99_ms": _pct(served, 0.99),
    }


def table(
    ghz: Path, protoset: Path, server: Server, work: Workload, shape: Shape, seconds: float
) -> dict[str, Any]:
    """Capacity, then one open-loop run per multiple of it."""
    base = capacity(ghz, protoset, server, work, shape)
    rows = [
        {"multiple": m, **offered(ghz, protoset, server, work, base * m, seconds)}
        for m in MULTIPLES
    ]
    return {
        "server": server.name,
        "method": f"{SERVICE}/{work.method}",
        "capacity_rps": base,
        "rows": rows,
    }


def _pct(ordered: list[float], q: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(int(len(ordered) * q), len(ordered) - 1)]
