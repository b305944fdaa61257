"""The composition root: builds every part of the service and owns its lifecycle."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from pathlib import Path

import grpc
from grpc_health.v1 import health, health_pb2_grpc

from roster.user.v1 import user_service_pb2_grpc
from roster_user import reflection, shutdown
from roster_user.api.boundary import ErrorBoundary, InFlight
from roster_user.api.servicer import UserServicer
from roster_user.config import Settings
from roster_user.directory import UserDirectory
from roster_user.domain.errors import DomainError
from roster_user.domain.paging import PageTokens
from roster_user.feed import ChangeFeed
from roster_user.health import SERVICE, HealthServicer, Probes
from roster_user.runtime import Running
from roster_user.store.base import UserStore
from roster_user.store.postgres import PostgresStore
from roster_user.store.postgres_connect import PostgresOptions
from roster_user.store.sqlite import SqliteStore

log = logging.getLogger(__name__)
_PRUNE_SECONDS = 60.0


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


def server_options(settings: Settings) -> list[tuple[str, int]]:
    """Channel arguments for limits, keepalive enforcement and connection ageing."""

    def ms(seconds: float) -> int:
        return int(seconds * 1000)

    options = [
        ("grpc.max_receive_message_length", settings.max_message_bytes),
        ("grpc.max_send_message_length", settings.max_message_bytes),
        # grpc enables SO_REUSEPORT by default, which would let a second server
        # bind this port silently and steal half the connections.
        ("grpc.so_reuseport", 0),
        (
            "grpc.http2.min_recv_ping_interval_without_data_ms",
            ms(settings.keepalive_min_ping_seconds),
        ),
        ("grpc.http2.max_ping_strikes", 2),
        ("grpc.keepalive_permit_without_calls", 1),
        ("grpc.keepalive_time_ms", 60_000),
        ("grpc.keepalive_timeout_ms", 20_000),
    ]
    if settings.max_connection_age_seconds:
        options += [
            ("grpc.max_connection_age_ms", ms(settings.max_connection_age_seconds)),
            ("grpc.max_connection_age_grace_ms", ms(settings.shutdown_grace_seconds)),
        ]
    if settings.max_connection_idle_seconds:
        options.append(("grpc.max_connection_idle_ms", ms(settings.max_connection_idle_seconds)))
    return options


async def build_server(settings: Settings) -> Running:
    """Migrate and open the store, wire the services, bind and start; port 0 picks one."""
    store = make_store(settings)
    await store.migrate()
    await store.open()
    feed = ChangeFeed(
        store,
        poll_seconds=settings.watch_poll_seconds,
        buffer=settings.watch_buffer_events,
        max_streams=settings.max_watch_streams,
    )
    await feed.start()
    directory = UserDirectory(store, PageTokens(await store.page_token_key()), on_write=feed.nudge)
    in_flight = InFlight()
    server = grpc.aio.server(
        interceptors=[ErrorBoundary(frozenset({SERVICE}), in_flight, settings.max_concurrent_rpcs)],
        options=server_options(settings),
    )
    servicer = UserServicer(directory, feed, bookmark_seconds=settings.watch_bookmark_seconds)
    user_service_pb2_grpc.add_UserServiceServicer_to_server(servicer, server)
    health_servicer = HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    if settings.reflection:
        reflection.enable(server, (SERVICE, health.SERVICE_NAME))
    port = server.add_insecure_port(settings.listen_address)
    await server.start()
    probes = Probes(health_servicer, store, settings.health_check_seconds)
    await probes.start()
    tasks = [asyncio.create_task(_prune(store, settings.watch_retention_events), name="prune")]
    return Running(settings, server, port, store, feed, probes, in_flight, tasks, flushers=[])


async def _prune(store: UserStore, keep: int) -> None:
    while True:
        await asyncio.sleep(_PRUNE_SECONDS)
        with contextlib.suppress(DomainError):
            await store.prune_changes(keep)


async def serve(settings: Settings) -> int:
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
        running = await build_server(settings)
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
