"""Prometheus metrics on a private registry, served on their own HTTP port."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info, ProcessCollector
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import start_http_server
from prometheus_client.registry import Collector

from roster_user.version import CONTRACT, VERSION

log = logging.getLogger(__name__)

# go-grpc-middleware's names, labels and default buckets, so existing dashboards work.
RPC_LABELS = ("grpc_type", "grpc_service", "grpc_method")
# The states of the JWKS (roster_user.security.jwks): one series each, 1 for the current.
KEY_SET_STATES = ("ok", "empty", "stale", "failed")
# (role, SHA-256 fingerprint, expiry in epoch seconds) of each certificate in use.
Certificate = tuple[str, str, float]
HANDLING_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
QUERY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)


class Metrics:
    """Every metric family of the service, registered on a registry of its own."""

    def __init__(self) -> None:
        """Declare every family; long because it is the list of them, one declaration each."""
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
        self.wire_cache_entries = Gauge(
            "roster_wire_cache_entries", "User encodings kept for reuse by reads.", registry=r
        )
        self.wire_cache_bytes = Gauge(
            "roster_wire_cache_bytes", "Bytes of the user encodings kept for reuse.", registry=r
        )
        # roster_build_info{version, contract} 1: which release answers, for dashboards and alerts.
        Info("roster_build", "The release this server is.", registry=r).info(
            {"version": VERSION, "contract": CONTRACT}
        )
        self.metadata_refused = Counter(
            "roster_grpc_server_metadata_refused_total",
            "Calls refused by Roster's own metadata size check (grpc core let them through).",
            registry=r,
        )
        self._key_set = _KeySetCollector()
        self._certificates = _CertificateCollector()
        r.register(self._key_set)
        r.register(self._certificates)
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

    def wire_cache_from(self, entries: Callable[[], int], size: Callable[[], int]) -> None:
        """Read the wire cache's entries and bytes at scrape time."""
        self.wire_cache_entries.set_function(lambda: float(entries()))
        self.wire_cache_bytes.set_function(lambda: float(size()))

    def key_set_from(self, size: Callable[[], int], state: Callable[[], str]) -> None:
        """Read the trusted key count and the key set's state at scrape time."""
        self._key_set.size, self._key_set.state = size, state

    def certificates_from(self, in_use: Callable[[], Iterable[Certificate]]) -> None:
        """Read the fingerprints and expiry of the certificates in use at scrape time."""
        self._certificates.in_use = in_use


class _KeySetCollector(Collector):
    """The key set's families; declared without samples while auth is off."""

    def __init__(self) -> None:
        self.size: Callable[[], int] | None = None
        self.state: Callable[[], str] = lambda: ""

    def collect(self) -> Iterator[Metric]:
        keys = GaugeMetricFamily(
            "roster_jwks_keys", "Signing keys trusted now (0: every token is refused)."
        )
        states = GaugeMetricFamily(
            "roster_jwks_state",
            "State of the JWKS file: ok, empty (valid, no usable key), stale (unusable, "
            "previous keys kept), failed (unusable too long, no key trusted).",
            labels=["state"],
        )
        if self.size is not None:
            keys.add_metric([], float(self.size()))
            current = self.state()
            for name in KEY_SET_STATES:
                states.add_metric([name], 1.0 if name == current else 0.0)
        yield keys
        yield states


class _CertificateCollector(Collector):
    """The certificates in use; declared without samples while TLS is off."""

    def __init__(self) -> None:
        self.in_use: Callable[[], Iterable[Certificate]] = tuple

    def collect(self) -> Iterator[Metric]:
        expiry = GaugeMetricFamily(
            "roster_tls_certificate_expiry_timestamp_seconds",
            "When each certificate in use expires (role: server or client_ca), by fingerprint.",
            labels=["role", "fingerprint"],
        )
        for role, fingerprint, not_after in self.in_use():
            expiry.add_metric([role, fingerprint], not_after)
        yield expiry


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
