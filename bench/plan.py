"""What the benchmark runs: the servers, the workloads and which server gets which."""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path

from bench.load import Shape, Workload

GET = Workload("GetUser", "GetUser", {"name": "users/seed-{{randomInt 0 SEEDED}}"}, 64, 16)
# The same reads through roster.user.v2, in the same run: the second adapter
# must cost no more CPU per call than the first.
GET_V2 = dataclasses.replace(GET, name="GetUser (v2)", service="roster.user.v2.UserService")
LIST = Workload(
    "ListUsers (100, filter)",
    "ListUsers",
    {"page_size": 100, "filter": 'labels.team = "t{{randomInt 0 10}}"'},
    16,
    8,
)
CREATE = Workload(
    "CreateUser (durable)",
    "CreateUser",
    {
        "user": {"email": "{{newUUID}}@example.com", "display_name": "Bench User"},
        "request_id": "{{newUUID}}",
    },
    64,
    16,
)
# ghz cannot mix methods: two runs at once, reads and writes at 9:1 concurrency.
MIX = (
    dataclasses.replace(GET, name="mix 90/10: reads", concurrency=54, connections=9),
    dataclasses.replace(CREATE, name="mix 90/10: writes", concurrency=6, connections=3),
)


VARIANTS = ("uvloop", "pool-reads", "one-commit")
DATABASES = ("baseline-naive", "roster-1w", "roster-2w", *(f"roster-1w {v}" for v in VARIANTS))


@dataclasses.dataclass(frozen=True)
class ServerSpec:
    """How to start one benchmarked server and which workloads it serves."""

    name: str
    command: list[str]
    env: dict[str, str]
    workloads: tuple[str, ...]
    watch: bool = False


@dataclasses.dataclass(frozen=True)
class Scale:
    """The sizes of a run: full or smoke."""

    seeded: int
    reps: int
    shape: Shape
    concurrency_cap: int
    watchers: int
    watch_rates: tuple[float, ...]
    watch_seconds: float
    shed_seconds: float  # how long each load-shedding row offers its rate


# Watchers taking one change per response, then up to 100 (max_changes_per_response).
WATCH_PER_RESPONSE = (0, 100)
FULL = Scale(100_000, 3, Shape(duration_s=5, warmup=300), 1000, 1000, (100, 10), 10, 5)
SMOKE = Scale(200, 1, Shape(calls=40), 4, 5, (20,), 0.5, 0.5)


def scaled(work: Workload, scale: Scale) -> Workload:
    """The workload with the seeded range filled in and concurrency capped."""
    data = {
        k: v.replace("SEEDED", str(scale.seeded)) if isinstance(v, str) else v
        for k, v in work.data.items()
    }
    concurrency = min(work.concurrency, scale.concurrency_cap)
    connections = min(work.connections, max(concurrency // 2, 1))
    return dataclasses.replace(work, data=data, concurrency=concurrency, connections=connections)


def telemetry_env(otlp_address: str) -> dict[str, str]:
    """Production tracing: 1% parent-based sampling, OTLP/gRPC to the local receiver."""
    return {
        "OTEL_TRACES_EXPORTER": "otlp",
        "OTEL_METRICS_EXPORTER": "none",
        "OTEL_LOGS_EXPORTER": "none",
        "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
        "OTEL_TRACES_SAMPLER_ARG": "0.01",
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://{otlp_address}",
        "OTEL_EXPORTER_OTLP_INSECURE": "true",
    }


def servers(database: dict[str, Path], otlp: str, metrics_ports: list[int]) -> list[ServerSpec]:
    """baseline-echo, baseline-naive and Roster with 1 and 2 workers."""
    base = {**os.environ, **telemetry_env(otlp)}
    py = sys.executable
    roster = [py, "-m", "roster_user.cli", "serve"]

    def roster_env(name: str, workers: int, port: int) -> dict[str, str]:
        return {
            **base,
            "OTEL_SERVICE_NAME": name,
            "ROSTER_LISTEN_ADDRESS": "127.0.0.1:0",
            "ROSTER_DATABASE_URL": f"sqlite:///{database[name]}",
            "ROSTER_METRICS_ADDRESS": f"127.0.0.1:{port}",
            "ROSTER_WORKERS": str(workers),
            # Stop promptly between runs; nothing routes through a load balancer here.
            "ROSTER_DRAIN_SECONDS": "0",
        }

    every = (
        "GetUser",
        "GetUser (v2)",
        "ListUsers (100, filter)",
        "CreateUser (durable)",
        "mix 90/10",
    )
    return [
        ServerSpec(
            "baseline-echo", [py, "-m", "bench.echo_server", "127.0.0.1:0"], base, ("GetUser",)
        ),
        ServerSpec(
            "baseline-naive",
            [py, "-m", "bench.naive_server", "127.0.0.1:0", str(database["baseline-naive"])],
            {**base, "OTEL_SERVICE_NAME": "baseline-naive"},
            ("GetUser", "CreateUser (durable)", "mix 90/10"),
        ),
        ServerSpec("roster-1w", roster, roster_env("roster-1w", 1, metrics_ports[0]), every, True),
        ServerSpec("roster-2w", roster, roster_env("roster-2w", 2, metrics_ports[1]), every, True),
        # Experiments behind the decisions in results.md: ROSTER_EVENT_LOOP=uvloop,
        # point reads on the reader pool, and no group commit (bench/variants.py).
        *(
            ServerSpec(
                f"roster-1w {variant}",
                [py, "-m", "bench.variants", variant.split("+")[0], "serve"]
                if variant != "uvloop"
                else roster,
                {
                    **roster_env(f"roster-1w {variant}", 1, port),
                    "ROSTER_EVENT_LOOP": "uvloop" if "uvloop" in variant else "asyncio",
                },
                ("CreateUser (durable)",) if variant == "one-commit" else ("GetUser",),
            )
            for variant, port in zip(VARIANTS, metrics_ports[2:], strict=True)
        ),
    ]
