"""The composition root: builds every part of the service and owns its lifecycle."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import grpc
from grpc_health.v1 import health, health_pb2_grpc

from roster.user.v1 import user_service_pb2_grpc
from roster.user.v2 import user_service_pb2_grpc as user_service_v2_pb2_grpc
from roster_user.api import reflection
from roster_user.api.servicer import UserServicer
from roster_user.api.v2.servicer import UserServicerV2
from roster_user.config import Settings
from roster_user.domain.errors import DomainError
from roster_user.domain.paging import PageTokens
from roster_user.lifecycle import shutdown, signals
from roster_user.lifecycle.connections import server_options
from roster_user.lifecycle.health import SERVICE, SERVICE_V2, HealthServicer, Probes
from roster_user.lifecycle.running import PeerFeeds, Running
from roster_user.observability.metrics import Metrics, serve_metrics
from roster_user.observability.tracing import Tracing, TracingConfig, current_tracer
from roster_user.pipeline import layer as pipeline
from roster_user.pipeline.auth import Authentication
from roster_user.pipeline.boundary import ErrorBoundary
from roster_user.pipeline.in_flight import InFlight
from roster_user.pipeline.layer import (
    Registry,
    Use,
    every_method,
    except_services,
    methods_of,
    unless,
)
from roster_user.pipeline.limits import CallLimits
from roster_user.pipeline.metrics import RpcMetrics
from roster_user.pipeline.versions import ContractVersions
from roster_user.security import tls
from roster_user.security.authenticator import Authenticator, authenticator
from roster_user.security.scopes import is_open
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

log = logging.getLogger(__name__)
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


@dataclasses.dataclass(frozen=True, slots=True)
class _Security:
    """Credentials and the token authenticator, read before anything else opens."""

    auth: Authenticator | None
    credentials: grpc.ServerCredentials | None


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
    security = _Security(authenticator(settings), tls.credentials(settings))
    observers = _Observers(
        Tracing(tracing) if tracing is not None and tracing.enabled else None, Metrics()
    )
    store = await _open_store(settings, observers)
    feed = await _change_feed(settings, store, observers.metrics, peers)
    directory = UserDirectory(
        store, PageTokens(await store.page_token_key()), on_write=feed.written
    )
    erasure = _erasure(settings, store, observers.metrics, feed)
    in_flight = InFlight()
    server = grpc.aio.server(options=server_options(settings, reuse_port=reuse_port))
    health_servicer = _add_services(
        server, settings, security, observers, directory, feed, erasure, in_flight
    )
    port = tls.bind(server, settings.listen_address, security.credentials)
    # The metrics endpoint starts before the gRPC server, so that a scrape works
    # once it serves; it is flushed last in shutdown, so the drain can be watched.
    metrics_address, flushers = _start_reporting(settings, observers)
    await server.start()
    probes = Probes(health_servicer, store, settings.health_check_seconds)
    await probes.start()
    background = [
        asyncio.create_task(
            retention.prune_change_log(store, settings.watch_retention_events), name="prune"
        ),
        asyncio.create_task(
            retention.sweep(erasure, settings.retention_sweep_seconds), name="sweep"
        ),
    ]
    return Running(
        settings=settings,
        server=server,
        port=port,
        store=store,
        feed=feed,
        probes=probes,
        in_flight=in_flight,
        tasks=background,
        flushers=flushers,
        metrics_address=metrics_address,
        peers=peers,
    )


async def _open_store(settings: Settings, observers: _Observers) -> UserStore:
    store = InstrumentedStore(
        make_store(settings), current_tracer(observers.tracing), observers.metrics.store_query
    )
    await store.migrate()
    await store.open()
    return store


async def _change_feed(
    settings: Settings, store: UserStore, metrics: Metrics, peers: PeerFeeds | None
) -> ChangeFeed:
    feed = ChangeFeed(
        store,
        poll_seconds=settings.watch_poll_seconds,
        quiet_seconds=settings.watch_bookmark_seconds,
        round_seconds=settings.watch_round_seconds,
        buffer=settings.watch_buffer_events,
        max_streams=settings.max_watch_streams,
        write_listeners=[peers.notify] if peers is not None else [],
    )
    await feed.start()
    metrics.watch_streams_from(lambda: feed.open_streams)
    if peers is not None:
        peers.open(on_nudge=feed.nudge)
    return feed


def _add_services(
    server: grpc.aio.Server,
    settings: Settings,
    security: _Security,
    observers: _Observers,
    directory: UserDirectory,
    feed: ChangeFeed,
    erasure: Erasure,
    in_flight: InFlight,
) -> HealthServicer:
    """Register the user service, health and reflection behind the call pipeline."""
    registry = Registry()
    purge_after = retention.purge_after(settings.purge_after_seconds)
    servicer = UserServicer(directory, feed, erasure, purge_after=purge_after)
    user_service_pb2_grpc.add_UserServiceServicer_to_server(servicer, registry)  # type: ignore[arg-type]
    # v2 is a second adapter over the same use cases and store (AIP-185).
    servicer_v2 = UserServicerV2(directory, feed, erasure, purge_after=purge_after)
    user_service_v2_pb2_grpc.add_UserServiceServicer_to_server(servicer_v2, registry)  # type: ignore[arg-type]
    health_servicer = HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, registry)  # type: ignore[arg-type]
    if settings.reflection:
        reflection.enable(registry, (SERVICE, SERVICE_V2, health.SERVICE_NAME))
    auth = security.auth
    refuse_unknown = Authentication(auth).refuse_unknown if auth is not None else None
    pipeline.install(
        server,
        registry,
        layers(settings, observers.tracing, observers.metrics, in_flight, auth),
        refuse_unknown,
    )
    return health_servicer


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


def layers(
    settings: Settings,
    tracing: Tracing | None,
    metrics: Metrics,
    in_flight: InFlight,
    auth: Authenticator | None = None,
) -> list[Use]:
    """Outermost first: the server span, metrics, authentication, the error boundary, limits.

    Metrics sit inside the span so the latency exemplar names its trace, and
    outside the boundary so they count the status the boundary chose. They are
    outside authentication too, so refused calls are counted; a refused call
    never reaches the boundary or a handler. Per-call limits sit inside the
    boundary, which reports what they raise. Each layer names the methods it
    wraps: spans skip probes and tooling, auth skips open services, and the
    boundary and limits wrap only UserService; metrics count every method.
    """
    ours = methods_of(SERVICE, SERVICE_V2)
    limits = CallLimits(
        max_concurrent_unary=settings.max_concurrent_rpcs,
        max_call_seconds=settings.max_call_seconds,
        max_streams_per_subject=settings.max_watch_streams_per_subject,
    )
    chain = [
        Use(every_method, RpcMetrics(metrics)),
        Use(ours, ContractVersions(metrics.contract_calls)),
        *([Use(unless(is_open), Authentication(auth))] if auth is not None else []),
        Use(ours, ErrorBoundary(in_flight)),
        Use(ours, limits),
    ]
    if tracing is not None:
        chain.insert(0, Use(except_services(*UNTRACED), tracing.server_spans()))
    return chain


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
    except (RuntimeError, DomainError, OSError) as error:
        log.error("cannot start", extra={"error": str(error), "address": settings.listen_address})
        return 1
    log.info(
        "serving",
        extra={"address": running.address, "reflection": settings.reflection, "version": VERSION},
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
