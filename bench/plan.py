"""What the benchmark runs: the servers, the workloads and which server gets which."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable
from pathlib import Path

from bench.load import Shape, Workload
from bench.tokens import Credentials

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


@dataclasses.dataclass(frozen=True)
class Variant:
    """roster-1w with one thing changed: a bench.variants patch, settings, or authentication."""

    name: str
    patch: str = ""  # a bench.variants name; "" runs the ordinary command
    env: dict[str, str] = dataclasses.field(default_factory=dict)
    workloads: tuple[str, ...] = ("GetUser",)
    auth: bool = False  # authentication on, and ghz sending a valid token


# The pipeline's layers bench.variants can take out one at a time (its LAYERS).
LAYERS = ("metadata-limit", "metrics", "admission", "boundary", "limits")
VARIANTS = (
    # Experiments behind the decisions in results.md: ROSTER_EVENT_LOOP=uvloop,
    # point reads on the reader pool, and no group commit.
    Variant("uvloop", env={"ROSTER_EVENT_LOOP": "uvloop"}),
    Variant("pool-reads", "pool-reads"),
    Variant("one-commit", "one-commit", workloads=("CreateUser (durable)",)),
    # Every layer's price: each one switched off in turn, in the same run, against
    # `full`: roster-1w unchanged but, like the variants, serving GetUser only (never
    # the writes that grow roster-1w's database) and parked between its runs. Tracing
    # stays configured but samples nothing, or is not configured at all.
    Variant("full"),
    Variant("spans unsampled", env={"OTEL_TRACES_SAMPLER_ARG": "0"}),
    Variant("tracing off", env={"OTEL_TRACES_EXPORTER": "none"}),
    *(Variant(f"no-{layer}", f"no-{layer}") for layer in LAYERS),
    Variant("auth on", auth=True),
    Variant("no-layers", "no-layers"),
    Variant("canned", "canned"),
)


@dataclasses.dataclass(frozen=True)
class ServerSpec:
    """How to start one benchmarked server, which workloads it serves, and what ghz sends it."""

    name: str
    command: list[str]
    env: dict[str, str]
    workloads: tuple[str, ...]
    watch: bool = False
    metadata: dict[str, str] = dataclasses.field(default_factory=dict)
    # Stopped (SIGSTOP) except while measured: one process serving one workload.
    parked: bool = False


@dataclasses.dataclass(frozen=True)
class Grpcio:
    """A second virtualenv: the same packages but grpcio (bench/grpcio_venv.sh)."""

    python: Path
    version: str


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


def servers(
    database: Callable[[str], Path],
    otlp: str,
    metrics_port: Callable[[], int],
    credentials: Credentials,
    other: Grpcio | None,
) -> list[ServerSpec]:
    """baseline-echo, baseline-naive, Roster with 1 and 2 workers, its variants, and other grpcio.

    `database(name)` gives each server its own copy of the seeded database.
    """
    base = {**os.environ, **telemetry_env(otlp)}
    py = sys.executable

    def roster_env(name: str, workers: int) -> dict[str, str]:
        return {
            **base,
            "OTEL_SERVICE_NAME": name,
            "ROSTER_LISTEN_ADDRESS": "127.0.0.1:0",
            "ROSTER_DATABASE_URL": f"sqlite:///{database(name)}",
            "ROSTER_METRICS_ADDRESS": f"127.0.0.1:{metrics_port()}",
            "ROSTER_WORKERS": str(workers),
            # The default, stated: only the uvloop variant changes it.
            "ROSTER_EVENT_LOOP": "asyncio",
            # Stop promptly between runs; nothing routes through a load balancer here.
            "ROSTER_DRAIN_SECONDS": "0",
        }

    def variant(v: Variant) -> ServerSpec:
        name = f"roster-1w {v.name}"
        command = [py, "-m", "bench.variants", v.patch, "serve"] if v.patch else roster(py)
        env = {**roster_env(name, 1), **v.env}
        if v.auth:
            env |= credentials.server_env()
        metadata = credentials.metadata() if v.auth else {}
        return ServerSpec(name, command, env, v.workloads, metadata=metadata, parked=True)

    every = (
        "GetUser",
        "GetUser (v2)",
        "ListUsers (100, filter)",
        "CreateUser (durable)",
        "mix 90/10",
    )
    specs = [
        ServerSpec("baseline-echo", echo(py), base, ("GetUser",), parked=True),
        ServerSpec(
            "baseline-naive",
            [py, "-m", "bench.naive_server", "127.0.0.1:0", str(database("baseline-naive"))],
            {**base, "OTEL_SERVICE_NAME": "baseline-naive"},
            ("GetUser", "CreateUser (durable)", "mix 90/10"),
        ),
        ServerSpec("roster-1w", roster(py), roster_env("roster-1w", 1), every, True),
        ServerSpec("roster-2w", roster(py), roster_env("roster-2w", 2), every, True),
        *(variant(v) for v in VARIANTS),
    ]
    if other is not None:
        # The echo ceiling and roster-1w again, on the other grpcio (same code, same settings).
        py, tag = str(other.python), f"grpcio {other.version}"
        env = roster_env(f"roster-1w {tag}", 1)
        specs += [
            ServerSpec(f"baseline-echo {tag}", echo(py), base, ("GetUser",), parked=True),
            ServerSpec(f"roster-1w {tag}", roster(py), env, ("GetUser",), parked=True),
        ]
    return specs


def roster(python: str) -> list[str]:
    """`roster-user serve` under `python`."""
    return [python, "-m", "roster_user.cli", "serve"]


def echo(python: str) -> list[str]:
    """The echo ceiling under `python`."""
    return [python, "-m", "bench.echo_server", "127.0.0.1:0"]
