"""`make bench` / `make bench-smoke`: start every server, load them in turn, write the report."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import shutil
import signal
import socket
import statistics
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench import comparisons, load, plan, profile, report, shedding, tokens
from bench.procs import Server
from bench.seed import seed

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    """A port nobody listens on right now (for the metrics endpoints)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(specs: list[plan.ServerSpec], out: Path, running: list[Server]) -> None:
    """Start every server at once (appending each to `running`), then wait until all serve."""
    running += [Server(s.name, s.command, s.env, out / f"{s.name}.log") for s in specs]
    for server in running:
        server.wait_serving()


def workloads(scale: plan.Scale) -> list[list[load.Workload]]:
    """Each entry is run as one measurement; the mix is two ghz processes at once."""
    single = [[plan.scaled(w, scale)] for w in (plan.GET, plan.GET_V2, plan.LIST, plan.CREATE)]
    return [*single, [plan.scaled(w, scale) for w in plan.MIX]]


@contextlib.contextmanager
def unparked(server: Server, spec: plan.ServerSpec) -> Iterator[None]:
    """`server` running for the duration, parked again after if it is a parked one."""
    if not spec.parked:
        yield
        return
    server.unpark()
    try:
        yield
    finally:
        server.park()


def measure(
    args: argparse.Namespace, scale: plan.Scale, specs: list[plan.ServerSpec], running: list[Server]
) -> dict[tuple[str, str], list[load.Measured]]:
    """Interleaved, repeated runs: every server in turn for each workload, rotating the order."""
    results: dict[tuple[str, str], list[load.Measured]] = {}
    for rep in range(scale.reps):
        order = list(zip(specs, running, strict=True))
        order = order[rep % len(order) :] + order[: rep % len(order)]
        for works in workloads(scale):
            group = "mix 90/10" if len(works) > 1 else works[0].name
            for spec, server in order:
                if group not in spec.workloads:
                    continue
                with unparked(server, spec):
                    measured = load.run(
                        args.ghz, args.protoset, server, works, scale.shape, spec.metadata
                    )
                for work, outcome in zip(works, measured, strict=True):
                    results.setdefault((work.name, spec.name), []).append(outcome)
                    print(f"rep {rep} {spec.name:15} {work.name:26} {outcome}", flush=True)
    return results


def median(runs: list[load.Measured]) -> dict[str, float]:
    """The per-metric median of repeated runs."""
    return {
        "rps": statistics.median(r.rps for r in runs),
        "p50_ms": statistics.median(r.p50_ms for r in runs),
        "p99_ms": statistics.median(r.p99_ms for r in runs),
        "cpu_us": statistics.median(r.cpu_us_per_call for r in runs),
        "calls": sum(r.calls for r in runs),
        "errors": sum(r.errors for r in runs),
        "runs": len(runs),
    }


def watch(
    args: argparse.Namespace, scale: plan.Scale, server: Server, rate: float, per_response: int
) -> dict[str, Any]:
    """WatchUsers fan-out with the Go watcher against one server at `rate` changes/s.

    `per_response` is the watchers' max_changes_per_response (0: one change each).
    """
    command = [
        str(args.watcher),
        f"-addr={server.address}",
        f"-watchers={scale.watchers}",
        # 50 streams a connection, well under the server's per-connection limit.
        f"-conns={max(scale.watchers // 50, 2)}",
        f"-rate={rate}",
        f"-per-response={per_response}",
        f"-seconds={scale.watch_seconds}",
        "-pids=" + ",".join(str(p) for p in server.pids()),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=120)
    outcome: dict[str, Any] = {
        "server": server.name,
        "rate": rate,
        "per_response": per_response,
        **json.loads(done.stdout),
    }
    print(f"watch {server.name}: {outcome}", flush=True)
    return outcome


def main() -> int:
    """Run the benchmark and write results.json and results.md."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--report", type=Path)
    parser.add_argument("--ghz", type=Path, required=True)
    parser.add_argument("--protoset", type=Path, required=True)
    parser.add_argument("--watcher", type=Path, required=True)
    parser.add_argument("--ghz-version", default="unknown")
    parser.add_argument("--grpcio-venv", type=Path, help="a second virtualenv (grpcio_venv.sh)")
    args = parser.parse_args()
    # Stopped early: still stop every server (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    scale = plan.SMOKE if args.smoke else plan.FULL
    out: Path = args.out
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    seed(out / "seed.db", scale.seeded)

    def database(name: str) -> Path:
        path = out / f"{name.replace(' ', '-')}.db"
        shutil.copy(out / "seed.db", path)
        return path

    sink = Server("otlp-sink", [sys.executable, "-m", "bench.otlp_sink"], {}, out / "otlp.log")
    # Valid for a day: longer than any run.
    credentials = tokens.mint(out, lifetime_s=86400)
    other = report.other_grpcio(args.grpcio_venv) if args.grpcio_venv else None
    specs = plan.servers(database, sink.wait_serving(), free_port, credentials, other)
    running: list[Server] = []
    try:
        start(specs, out, running)
        for spec, server in zip(specs, running, strict=True):
            if spec.parked:
                server.park()
        results = measure(args, scale, specs, running)
        watched = [
            watch(args, scale, server, rate, per_response)
            for per_response in plan.WATCH_PER_RESPONSE
            for rate in scale.watch_rates
            for spec, server in zip(specs, running, strict=True)
            if spec.watch
        ]
        shed = shedding.table(
            args.ghz,
            args.protoset,
            running[2],
            plan.scaled(plan.GET, scale),
            scale.shape,
            scale.shed_seconds,
        )
        profiled = [] if args.smoke else profile.top_costs(args, scale, running[2], out)
    finally:
        codes = {server.name: server.stop() for server in running}
        sink.stop()
    summary = {
        "rows": [{"workload": w, "server": s, **median(runs)} for (w, s), runs in results.items()],
        "watch": watched,
        "shedding": shed,
        "exit_codes": codes,
        "profile": profiled,
        "spans_exported": report.spans(out / "otlp.log"),
        "environment": report.environment(args, other),
        "scale": {
            "seeded": scale.seeded,
            "reps": scale.reps,
            "shape": dataclasses.asdict(scale.shape),
        },
    }
    summary["layer_prices"] = comparisons.layer_prices(summary)
    (out / "results.json").write_text(json.dumps(summary, indent=2))
    text = report.markdown(summary)
    (out / "results.md").write_text(text)
    if args.report:
        args.report.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
