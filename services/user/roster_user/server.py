"""The composition root: builds every part of the service and owns its lifecycle.

The one module that knows every piece, so it is the largest: a helper per start step.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import grpc
from grpc_health.v1 import health_pb2_grpc

from roster.user.v1 import user_service_pb2_grpc
from roster.user.v2 import user_service_pb2_grpc as user_service_v2_pb2_grpc
from roster_user.api import reflection
from roster_user.api import servicer as v1
from roster_user.api.contract import HEALTH_SERVICE, USER_SERVICE, USER_SERVICE_V2
from roster_user.api.servicer import UserServicer
from roster_user.api.v2 import servicer as v2
from roster_user.api.v2.servicer import UserServicerV2
from roster_user.api.wire_cache import WireCache
from roster_user.config import Settings, SettingsError
from roster_user.domain.errors import DomainError
from roster_user.domain.paging import PageTokens
from roster_user.lifecycle import shutdown, signals
from roster_user.lifecycle.connections import server_options
from roster_user.lifecycle.health import HealthServicer, Probes
from roster_user.lifecycle.loop_lag import LoopLag
from roster_user.lifecycle.running import PeerFeeds, Running
from roster_user.observability.metrics import Metrics, serve_metrics
from roster_user.observability.tracing import Tracing, TracingConfig, current_tracer
from roster_user.pipeline import chain
from roster_user.pipeline import layer as pipeline
from roster_user.pipeline.admission import Admission
from roster_user.pipeline.in_flight import InFlight
from roster_user.pipeline.layer import (
    Registry,
)
from roster_user.security import material, mode, tls
from roster_user.store.base import UserStore
from roster_user.store.instrumented import InstrumentedStore
from roster_user.store.postgres.connect import PostgresOptions
from roster_user.store.postgres.store import PostgresStore
from roster_user.store.sqlite.store import SqliteStore
from roster_user.users import retention
from roster_user.users.directory import UserDirectory
from roster_user.users.erasure import Cause, Erasure
from roster_user.users.feed import ChangeFeed
from roster_user.version import VERSION

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)


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


@dataclasses.dataclass(frozen=True, slots=True)
class _Gates:
    """What the drain closes and waits on: admission of new calls and the running handlers."""

    in_flight: InFlight
    admission: Admission


@dataclasses.dataclass(frozen=True, slots=True)
class _Observers:
    """Where the service reports: the tracer (when tracing is on) and the metrics registry."""

    tracing: Tracing | None
    metrics: Metrics


async def build_server(
    settings: Settings,
    tracing: TracingConfig | None = None,
    *,
    reuse_port: bool = False,
    peers: PeerFeeds | None = None,
) -> Running:
    """Migrate and open the store, wire the services, bind and start; port 0 picks one.

    `peers` places this server in a pool of workers (roster_user.pool); each
    write then wakes the other workers' change feeds. It reads as the start
    order, one step a line; its length is the Running it hands back.
    """
    # Security material is read first: a bad key file must not leave a store open.
    security = material.read_security(settings)
    observers = _Observers(
        Tracing(tracing) if tracing is not None and tracing.enabled else None, Metrics()
    )
    _observe_security(security, observers.metrics)
    store = await _open_store(settings, observers)
    lag = LoopLag()
    sampling = lag.start()
    feed = await _change_feed(settings, store, observers.metrics, peers, lag)
    directory = UserDirectory(
        store, PageTokens(await store.page_token_key()), on_write=feed.written
    )
    erasure = _erasure(settings, store, observers.metrics, feed)
    in_flight = InFlight()
    admission = Admission(lambda: lag.seconds, max_queue_seconds=settings.max_queue_seconds)
    server = grpc.aio.server(options=server_options(settings, reuse_port=reuse_port))
    health_servicer = _add_services(
        server,
        settings,
        security,
        observers,
        directory,
        feed,
        erasure,
        _Gates(in_flight, admission),
    )
    port = tls.bind(server, settings.listen_address, security.credentials)
    # The metrics endpoint starts before the gRPC server, so that a scrape works
    # once it serves; it is flushed last in shutdown, so the drain can be watched.
    metrics_address, flushers = _start_reporting(settings, observers)
    await server.start()
    probes = Probes(health_servicer, store, settings.health_check_seconds)
    await probes.start()
    return Running(
        settings=settings,
        server=server,
        port=port,
        store=store,
        feed=feed,
        probes=probes,
        in_flight=in_flight,
        admission=admission,
        tasks=[*_background(settings, store, erasure, security), sampling],
        flushers=flushers,
        metrics_address=metrics_address,
        peers=peers,
    )


def _background(
    settings: Settings, store: UserStore, erasure: Erasure, security: material.Security
) -> list[asyncio.Task[None]]:
    """The tasks a serving process runs beside its calls: retention, and key set reloads."""
    tasks = [
        asyncio.create_task(
            retention.prune_change_log(store, settings.watch_retention_events), name="prune"
        ),
        asyncio.create_task(
            retention.sweep(erasure, settings.retention_sweep_seconds), name="sweep"
        ),
    ]
    if security.auth is not None:
        tasks.append(asyncio.create_task(security.auth.keys.watch(), name="jwks"))
    return tasks


def _observe_security(security: material.Security, metrics: Metrics) -> None:
    """Export the state of the key set and the certificates in use, read at scrape time."""
    if security.auth is not None:
        keys = security.auth.keys
        metrics.key_set_from(lambda: keys.size, lambda: keys.status)
    if security.files is not None:
        files = security.files
        metrics.certificates_from(
            lambda: [(c.role, c.fingerprint, c.not_after) for c in files.in_use()]
        )


async def _open_store(settings: Settings, observers: _Observers) -> UserStore:
    store = InstrumentedStore(
        make_store(settings), current_tracer(observers.tracing), observers.metrics.store_query
    )
    await store.migrate()
    await store.open()
    return store


async def _change_feed(
    settings: Settings, store: UserStore, metrics: Metrics, peers: PeerFeeds | None, lag: LoopLag
) -> ChangeFeed:
    feed = ChangeFeed(
        store,
        poll_seconds=settings.watch_poll_seconds,
        quiet_seconds=settings.watch_bookmark_seconds,
        round_seconds=settings.watch_round_seconds,
        buffer=settings.watch_buffer_events,
        max_streams=settings.max_watch_streams,
        write_listeners=[peers.notify] if peers is not None else [],
        lag=lambda: lag.seconds,
        max_lag_seconds=settings.max_queue_seconds / 2,
        max_behind_seconds=settings.watch_max_behind_seconds,
    )
    await feed.start()
    metrics.watch_streams_from(lambda: feed.open_streams)
    if peers is not None:
        peers.open(on_nudge=feed.nudge)
    return feed


def _add_services(
    server: grpc.aio.Server,
    settings: Settings,
    security: material.Security,
    observers: _Observers,
    directory: UserDirectory,
    feed: ChangeFeed,
    erasure: Erasure,
    gates: _Gates,
) -> HealthServicer:
    """Register the user service, health and reflection behind the call pipeline."""
    registry = Registry()
    purge_after = retention.purge_after(settings.purge_after_seconds)
    cache = _wire_cache(settings, observers.metrics)
    servicer = UserServicer(directory, feed, erasure, purge_after=purge_after, cache=cache)
    user_service_pb2_grpc.add_UserServiceServicer_to_server(servicer, registry)  # type: ignore[arg-type]
    # v2 is a second adapter over the same use cases and store (AIP-185).
    servicer_v2 = UserServicerV2(directory, feed, erasure, purge_after=purge_after, cache=cache)
    user_service_v2_pb2_grpc.add_UserServiceServicer_to_server(servicer_v2, registry)  # type: ignore[arg-type]
    registry.pass_through(USER_SERVICE, v1.ENCODED)
    registry.pass_through(USER_SERVICE_V2, v2.ENCODED)
    health_servicer = HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, registry)  # type: ignore[arg-type]
    if settings.reflection:
        reflection.enable(registry, (USER_SERVICE, USER_SERVICE_V2, HEALTH_SERVICE))
    auth = security.auth
    pipeline.install(
        server,
        registry,
        chain.layers(
            settings, observers.tracing, observers.metrics, gates.in_flight, auth, gates.admission
        ),
        chain.refuse_unknown(settings, observers.metrics, auth),
    )
    return health_servicer


def _wire_cache(settings: Settings, metrics: Metrics) -> WireCache:
    """The users' encodings both contracts share, bounded as the settings say, its size a metric."""
    cache = WireCache(settings.wire_cache_entries, settings.wire_cache_bytes)
    metrics.wire_cache_from(lambda: cache.entries, lambda: cache.size)
    return cache


def _start_reporting(
    settings: Settings, observers: _Observers
) -> tuple[str, list[Callable[[], Awaitable[None]]]]:
    """Serve the metrics endpoint when configured; its address and what to flush at exit."""
    flushers: list[Callable[[], Awaitable[None]]] = []
    if observers.tracing is not None:
        flushers.append(observers.tracing.flush)
    if not settings.metrics_address:
        return "", flushers
    endpoint = serve_metrics(observers.metrics, settings.metrics_address)
    flushers.append(endpoint.close)
    return endpoint.address, flushers


def _erasure(settings: Settings, store: UserStore, metrics: Metrics, feed: ChangeFeed) -> Erasure:
    """Purging and idempotency expiry as the settings ask, counted by cause."""

    def count(cause: Cause) -> None:
        metrics.purged.labels(str(cause)).inc()

    return Erasure(
        store,
        purge_after=retention.purge_after(settings.purge_after_seconds),
        keep_requests=timedelta(seconds=settings.idempotency_retention_seconds),
        on_write=feed.written,
        on_purge=count,
    )


async def serve(settings: Settings, tracing: TracingConfig | None = None) -> int:
    """Serve until SIGTERM or SIGINT, then drain; a second signal exits at once."""
    stop = signals.stop_requested()
    try:
        running = await build_server(settings, tracing)
    except (RuntimeError, DomainError, OSError, SettingsError) as error:
        log.error("cannot start", extra={"error": str(error), "address": settings.listen_address})
        return 1
    log.info(
        "serving",
        extra={
            "address": running.address,
            **mode.summary(settings),
            "reflection": settings.reflection,
            "version": VERSION,
        },
    )
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
