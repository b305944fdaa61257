"""Prometheus metrics on a private registry, served on their own HTTP port."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info, ProcessCollector
from prometheus_client.exposition import start_http_server

from roster_user.version import CONTRACT, VERSION

log = logging.getLogger(__name__)

# go-grpc-middleware's names, labels and default buckets, so existing dashboards work.
RPC_LABELS = ("grpc_type", "grpc_service", "grpc_method")
HANDLING_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
QUERY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)


class Metrics:
    """Every metric family of the service, registered on a registry of its own."""

    def __init__(self) -> None:
        # Private: nothing imported elsewhere can add series, and every server
        # built in one process (tests) has its own counts.
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        r = self.registry
        self.started = Counter(
            "grpc_server_started_total", "RPCs started on the server.", RPC_LABELS, registry=r
        )
        self.handled = Counter(
            "grpc_server_handled_total",
            "RPCs completed on the server, regardless of success or failure.",
            (*RPC_LABELS, "grpc_code"),
            registry=r,
        )
        self.handling = Histogram(
            "grpc_server_handling_seconds",
            "Response latency (seconds) of RPCs handled by the server.",
            RPC_LABELS,
            buckets=HANDLING_BUCKETS,
            registry=r,
        )
        self.received = Counter(
            "grpc_server_msg_received_total",
            "Messages received from clients.",
            RPC_LABELS,
            registry=r,
        )
        self.sent = Counter(
            "grpc_server_msg_sent_total", "Messages sent to clients.", RPC_LABELS, registry=r
        )
        self.in_flight = Gauge(
            "roster_grpc_server_in_flight",
            "RPCs being handled right now.",
            ("grpc_service", "grpc_method"),
            registry=r,
        )
        self.watch_streams = Gauge(
            "roster_watch_streams_open", "WatchUsers streams open right now.", registry=r
        )
        # roster_build_info{version, contract} 1: which release answers, for dashboards and alerts.
        Info("roster_build", "The release this server is.", registry=r).info(
            {"version": VERSION, "contract": CONTRACT}
        )
        self.store_query = Histogram(
            "roster_store_query_seconds",
            "Duration (seconds) of user store operations, by operation and store kind.",
            ("operation", "store"),
            buckets=QUERY_BUCKETS,
            registry=r,
        )

        self.purged = Counter(
            "roster_users_purged_total",
            "Users purged for good, by cause (request, forced, expired).",
            ("cause",),
            registry=r,
        )
        # Deprecation made visible: when every v1 series stays flat, v1 can go.
        self.contract_calls = Counter(
            "roster_contract_calls_total",
            "UserService calls by contract major version (v1, v2) and method.",
            ("version", "method"),
            registry=r,
        )

    def watch_streams_from(self, count: Callable[[], int]) -> None:
        """Read the open watch stream count at scrape time."""
        self.watch_streams.set_function(lambda: float(count()))


class MetricsEndpoint:
    """The HTTP server answering /metrics (text or OpenMetrics, by Accept header)."""

    def __init__(self, server: WSGIServer, thread: threading.Thread) -> None:
        self._server = server
        self._thread = thread

    @property
    def address(self) -> str:
        """HOST:PORT actually bound."""
        host, port = self._server.socket.getsockname()[:2]
        return f"{host}:{port}"

    async def close(self) -> None:
        """Stop serving and release the port and the thread."""

        def stop() -> None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()

        await asyncio.to_thread(stop)


def serve_metrics(metrics: Metrics, address: str) -> MetricsEndpoint:
    """Serve the registry on HOST:PORT; OSError if the port is taken."""
    host, _, port = address.rpartition(":")
    try:
        server, thread = start_http_server(int(port), host.strip("[]"), metrics.registry)
    except OSError as error:
        raise OSError(f"cannot serve metrics on {address}: {error.strerror}") from error
    endpoint = MetricsEndpoint(server, thread)
    log.info("metrics endpoint serving", extra={"metrics_address": endpoint.address})
    return endpoint
