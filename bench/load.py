"""Unary load with ghz, and the server CPU it cost."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from pathlib import Path
from typing import Any

from bench.procs import Server

SERVICE = "roster.user.v1.UserService"


@dataclasses.dataclass(frozen=True)
class Workload:
    """One ghz call: the method, its request template and the concurrency."""

    name: str
    method: str
    data: dict[str, Any]
    concurrency: int
    connections: int
    service: str = SERVICE


@dataclasses.dataclass(frozen=True)
class Shape:
    """How long each ghz run lasts: a duration or a number of calls, after unmeasured warm-up calls."""

    duration_s: float = 0
    calls: int = 0
    warmup: int = 0


@dataclasses.dataclass
class Measured:
    """The outcome of one run: calls, errors, rate, latency and server CPU."""

    calls: int
    errors: int
    rps: float
    p50_ms: float
    p99_ms: float
    cpu_s: float

    @property
    def cpu_us_per_call(self) -> float:
        """Server CPU microseconds per call."""
        return self.cpu_s * 1e6 / max(self.calls, 1)


def ghz_command(
    ghz: Path,
    protoset: Path,
    address: str,
    work: Workload,
    shape: Shape,
    metadata: dict[str, str] | None = None,
) -> list[str]:
    """The ghz command line for one run, reporting JSON on stdout, sending `metadata` with each call."""
    command = [
        str(ghz),
        "--insecure",
        "--protoset",
        str(protoset),
        "--call",
        f"{work.service}/{work.method}",
        "--data",
        json.dumps(work.data),
        "--concurrency",
        str(work.concurrency),
        "--connections",
        str(work.connections),
        "--timeout",
        "30s",
        "--format",
        "json",
    ]
    command += ["--duration", f"{shape.duration_s}s"] if shape.duration_s else []
    command += ["--total", str(shape.calls)] if shape.calls else []
    command += ["--metadata", json.dumps(metadata)] if metadata else []
    return [*command, address]


def parse(report: dict[str, Any], cpu_s: float) -> Measured:
    """A Measured from ghz's JSON report; calls cut off by the end of the run do not count."""
    latency = {d["percentage"]: d["latency"] / 1e6 for d in report["latencyDistribution"] or []}
    codes = report.get("statusCodeDistribution") or {}
    ok = int(codes.get("OK", 0))
    # A timed run ends by closing its connections under the calls still in
    # flight (at most one per concurrent worker): those are not server errors.
    cut_off = sum(
        n
        for text, n in (report.get("errorDistribution") or {}).items()
        if "transport is closing" in text or "Canceled" in text
    )
    errors = sum(n for code, n in codes.items() if code != "OK") - cut_off
    seconds = float(report["total"]) / 1e9
    return Measured(ok, errors, ok / seconds, latency.get(50, 0.0), latency.get(99, 0.0), cpu_s)


def run(
    ghz: Path,
    protoset: Path,
    server: Server,
    works: list[Workload],
    shape: Shape,
    metadata: dict[str, str] | None = None,
) -> list[Measured]:
    """Run the workloads at once (one ghz each) and measure the server's CPU across them."""
    if shape.warmup:
        run(ghz, protoset, server, works, Shape(calls=shape.warmup), metadata)
    before = server.cpu()
    procs = [
        subprocess.Popen(
            ghz_command(ghz, protoset, server.address, work, shape, metadata),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for work in works
    ]
    outputs = [proc.communicate() for proc in procs]
    cpu_s = server.cpu() - before
    results = []
    for proc, (out, err) in zip(procs, outputs, strict=True):
        if proc.returncode != 0:
            raise RuntimeError(f"ghz failed ({proc.returncode}): {err[-2000:]}")
        results.append(json.loads(out))
    calls = [parse(r, 0).calls for r in results]
    total = sum(calls) or 1
    # The CPU is shared by concurrent runs; each gets its share by calls.
    return [parse(r, cpu_s * n / total) for r, n in zip(results, calls, strict=True)]
