"""The composition root: builds every part of the service and owns its lifecycle."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import grpc
from grpc_health.v1 import health, health_pb2_grpc

from roster.user.v1 import user_service_pb2_grpc
from roster_user.api import reflection
from roster_user.api.servicer import UserServicer
from roster_user.config import Settings
from roster_user.domain.errors import DomainError
from roster_user.domain.paging import PageTokens
from roster_user.lifecycle import shutdown
from roster_user.lifecycle.health import SERVICE, HealthServicer, Probes
from roster_user.lifecycle.running import Running
from roster_user.observability.metrics import Metrics, serve_metrics
from roster_user.observability.tracing import Tracing, TracingConfig, current_tracer
from roster_user.pipeline import layer as pipeline
from roster_user.pipeline.boundary import ErrorBoundary, InFlight
from roster_user.pipeline.layer import Layer, Registry
from roster_user.pipeline.limits import CallLimits
from roster_user.pipeline.metrics import RpcMetrics
from roster_user.pool.peer_nudges import PeerNudges, PoolSeat
from roster_user.security import tls
from roster_user.security.authenticator import Authenticator, authenticator
from roster_user.store.base import UserStore
from roster_user.store.instrumented import InstrumentedStore
from roster_user.store.postgres.connect import PostgresOptions
from roster_user.store.postgres.store import PostgresStore
from roster_user.store.sqlite.store import SqliteStore
from roster_user.users.directory import UserDirectory
from roster_user.users.erasure import Cause, Erasure
from roster_user.users.feed import ChangeFeed

log = logging.getLogger(__name__)
_PRUNE_SECONDS = 60.0
# Probes and tooling, not traffic: kept out of traces (they are still counted in metrics).
UNTRACED = (health.SERVICE_NAME, "grpc.reflection.")


def make_store(settings: Settings) -> UserStore:
    """The store named by the database URL."""
    url = settings.database_url
    if url.startswith("sqlite:///"):
        return SqliteStore(
            Path(url.removeprefix("sqlite:///")),
            busy_timeout_s=settings.sqlite_busy_timeout_seconds,
            readers=settings.sqlite_readers,
        )
    return PostgresStore(
        PostgresOptions(
            url,
            pool_size=settings.database_pool_size,
            connect_timeout_s=settings.database_connect_timeout_seconds,
            statement_timeout_s=settings.database_statement_timeout_seconds,
        )
    )


def server_options(settings: Settings, *, reuse_port: bool = False) -> list[tuple[str, int]]:
    """Channel arguments for limits, keepalive enforcement and connection ageing."""

    def ms(seconds: float) -> int:
        return int(seconds * 1000)

    options = [
        ("grpc.max_receive_message_length", settings.max_message_bytes),
        ("grpc.max_send_message_length", settings.max_message_bytes),
        # grpc enables SO_REUSEPORT by default, which would let a second server
        # bind this port silently and steal half the connections; only our own
        # workers (roster_user.pool.supervisor, which reserves the address) share it.
        ("grpc.so_reuseport", int(reuse_port)),
        (
            "grpc.http2.min_recv_ping_interval_without_data_ms",
            ms(settings.keepalive_min_ping_seconds),
        ),
        ("grpc.http2.max_ping_strikes", 2),
        ("grpc.keepalive_permit_without_calls", 1),
        ("grpc.keepalive_time_ms", 60_000),
        ("grpc.keepalive_timeout_ms", 20_000),
        ("grpc.max_concurrent_streams", settings.max_streams_per_connection),
        # Equal soft and hard limits: between them grpc rejects at random.
        ("grpc.max_metadata_size", settings.max_metadata_bytes),
        ("grpc.absolute_max_metadata_size", settings.max_metadata_bytes),
    ]
    if settings.max_connection_age_seconds:
        options += [
            ("grpc.max_connection_age_ms", ms(settings.max_connection_age_seconds)),
            ("grpc.max_connection_age_grace_ms", ms(settings.shutdown_grace_seconds)),
        ]
    if settings.max_connection_idle_seconds:
        options.append(("grpc.max_connection_idle_ms", ms(settings.max_connection_idle_seconds)))
    return options


async def build_server(
    settings: Settings,
    tracing: TracingConfig | None = None,
    *,
    reuse_port: bool = False,
    seat: PoolSeat | None = None,
) -> Running:
    """Migrate and open the store, wire the services, bind and start; port 0 picks one.

    `seat` places this server in a pool of workers (roster_user.pool.supervisor); each
    write then wakes the other workers' change feeds (roster_user.pool.peer_nudges).
    """
    # Security material is read first: a bad key file must not leave a store open.
    auth = authenticator(settings)
    credentials = tls.credentials(settings)
    tracer = Tracing(tracing) if tracing is not None and tracing.enabled else None
    metrics = Metrics()
    store = InstrumentedStore(make_store(settings), current_tracer(tracer), metrics.store_query)
    await store.migrate()
    await store.open()
    feed = ChangeFeed(
        store,
        poll_seconds=settings.watch_poll_seconds,
        quiet_seconds=settings.watch_bookmark_seconds,
        round_seconds=settings.watch_round_seconds,
        buffer=settings.watch_buffer_events,
        max_streams=settings.max_watch_streams,
    )
    await feed.start()
    metrics.watch_streams_from(lambda: feed.open_streams)
    on_write = feed.nudge
    nudges = None
    if seat is not None:
        nudges = PeerNudges(seat, on_nudge=feed.nudge)
        nudges.open()
        on_write = _both(feed.nudge, nudges.notify)
    directory = UserDirectory(store, PageTokens(await store.page_token_key()), on_write=on_write)
    erasure = erasure_of(settings, store, metrics, on_write)
    in_flight = InFlight()
    server = grpc.aio.server(options=server_options(settings, reuse_port=reuse_port))
    registry = Registry()
    servicer = UserServicer(directory, feed, erasure, purge_after=_purge_after(settings))
    user_service_pb2_grpc.add_UserServiceServicer_to_server(servicer, registry)  # type: ignore[arg-type]
    health_servicer = HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, registry)  # type: ignore[arg-type]
    if settings.reflection:
        reflection.enable(registry, (SERVICE, health.SERVICE_NAME))
    refuse_unknown = auth.refuse_unknown if auth is not None else None
    pipeline.install(
        server, registry, layers(settings, tracer, metrics, in_flight, auth), refuse_unknown
    )
    port = tls.bind(server, settings.listen_address, credentials)
    flushers: list[Callable[[], Awaitable[None]]] = []
    if tracer is not None:
        flushers.append(tracer.flush)
    metrics_address = ""
    if settings.metrics_address:
        # Before the gRPC server starts, so that a scrape works once it serves;
        # closed last in shutdown, so the drain itself can be watched.
        endpoint = serve_metrics(metrics, settings.metrics_address)
        flushers.append(endpoint.close)
        metrics_address = endpoint.address
    await server.start()
    probes = Probes(health_servicer, store, settings.health_check_seconds)
    await probes.start()
    tasks = [
        asyncio.create_task(_prune(store, settings.watch_retention_events), name="prune"),
        asyncio.create_task(_sweep(erasure, settings.retention_sweep_seconds), name="sweep"),
    ]
    return Running(
        settings,
        server,
        port,
        store,
        feed,
        probes,
        in_flight,
        tasks,
        flushers,
        metrics_address,
        nudges,
    )


def _both(first: Callable[[], None], second: Callable[[], None]) -> Callable[[], None]:
    def call() -> None:
        first()
        second()

    return call


def layers(
    settings: Settings,
    tracing: Tracing | None,
    metrics: Metrics,
    in_flight: InFlight,
    auth: Authenticator | None = None,
) -> list[Layer]:
    """Outermost first: the server span, metrics, authentication, the error boundary, limits.

    Metrics sit inside the span so the latency exemplar names its trace, and
    outside the boundary so they count the status the boundary chose. They are
    outside authentication too, so refused calls are counted; a refused call
    never reaches the boundary or a handler. Per-call limits sit inside the
    boundary, which reports what they raise.
    """
    limits = CallLimits(
        frozenset({SERVICE}),
        max_call_seconds=settings.max_call_seconds,
        max_streams_per_subject=settings.max_watch_streams_per_subject,
    )
    chain: list[Layer] = [
        RpcMetrics(metrics),
        *([auth] if auth is not None else []),
        ErrorBoundary(frozenset({SERVICE}), in_flight, settings.max_concurrent_rpcs),
        limits,
    ]
    if tracing is not None:
        chain.insert(0, tracing.server_spans(UNTRACED))
    return chain


def _purge_after(settings: Settings) -> timedelta | None:
    """How long soft-deleted users are kept, or None when nothing is purged automatically."""
    seconds = settings.purge_after_seconds
    return timedelta(seconds=seconds) if seconds else None


def erasure_of(
    settings: Settings, store: UserStore, metrics: Metrics, on_write: Callable[[], None]
) -> Erasure:
    """Purging and idempotency expiry as the settings ask, counted by cause."""

    def count(cause: Cause) -> None:
        metrics.purged.labels(str(cause)).inc()

    return Erasure(
        store,
        purge_after=_purge_after(settings),
        keep_requests=timedelta(seconds=settings.idempotency_retention_seconds),
        on_write=on_write,
        on_purge=count,
    )


async def _sweep(erasure: Erasure, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            await erasure.sweep()
        except DomainError:
            log.warning("retention sweep cannot reach the store; retrying at the next one")


async def _prune(store: UserStore, keep: int) -> None:
    while True:
        await asyncio.sleep(_PRUNE_SECONDS)
        with contextlib.suppress(DomainError):
            await store.prune_changes(keep)


async def serve(settings: Settings, tracing: TracingConfig | None = None) -> int:
    """Serve until SIGTERM or SIGINT, then drain; a second signal exits at once."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_signal(signum: int) -> None:
        if stop.is_set():
            log.critical("second signal; exiting without draining", extra={"signal": signum})
            os._exit(128 + signum)
        log.info("shutdown requested", extra={"signal": signal.Signals(signum).name})
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, on_signal, signum)
    try:
        running = await build_server(settings, tracing)
    except (RuntimeError, DomainError, OSError) as error:
        log.error("cannot start", extra={"error": str(error), "address": settings.listen_address})
        return 1
    log.info("serving", extra={"address": running.address, "reflection": settings.reflection})
    await stop.wait()
    await shutdown.drain(running)
    return 0


async def migrate(settings: Settings) -> int:
    """Apply pending migrations and exit."""
    store = make_store(settings)
    try:
        await store.migrate()
    finally:
        await store.close()
    log.info("migrations applied")
    return 0
