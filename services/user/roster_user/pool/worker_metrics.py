"""One Prometheus endpoint for every worker process: the supervisor adds up the workers' own.

Each worker keeps its metrics in memory, as a single process does, and serves
them on a loopback port of its own; at scrape time the supervisor reads every
worker's page and adds the series up. prometheus_client's multiprocess mode,
used before, writes every counter increment to a memory-mapped file: about 18 µs
more CPU per GetUser with two workers (bench/README.md), paid on every call to
save work on a scrape every few seconds.

Counters, histograms and gauges are added (calls, latencies, in-flight calls,
open streams and the workers' memory and CPU are all sums); creation times and
start times take the earliest, file-descriptor limits the largest. Exemplars do
not survive the merge.
"""

from __future__ import annotations

import logging
import threading
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry
from prometheus_client.exposition import start_http_server
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)
# Where each worker serves its own page: loopback only, any free port.
WORKER_METRICS_ADDRESS = "127.0.0.1:0"
_SCRAPE_TIMEOUT_S = 2.0
# Samples that are not sums across processes, and how they combine instead.
_EARLIEST: Callable[[float, float], float] = min
_COMBINE: dict[str, Callable[[float, float], float]] = {
    "process_start_time_seconds": _EARLIEST,
    "process_max_fds": max,
    # Every worker runs the same release: the pool reports it once (1), not once per worker.
    "roster_build_info": max,
}


def _combine(sample: str) -> Callable[[float, float], float]:
    if sample.endswith("_created"):
        return _EARLIEST
    return _COMBINE.get(sample, float.__add__)


def merge(pages: Iterable[Iterable[Metric]]) -> list[Metric]:
    """The families of every page, each series combined across pages (see the module doc)."""
    families: dict[str, Metric] = {}
    values: dict[str, dict[tuple[str, tuple[tuple[str, str], ...]], float]] = {}
    for page in pages:
        for family in page:
            if family.name not in families:
                families[family.name] = Metric(family.name, family.documentation, family.type)
                values[family.name] = {}
            series = values[family.name]
            for sample in family.samples:
                key = (sample.name, tuple(sorted(sample.labels.items())))
                known = series.get(key)
                series[key] = (
                    sample.value if known is None else _combine(sample.name)(known, sample.value)
                )
    for name, family in families.items():
        for (sample_name, labels), value in values[name].items():
            family.add_sample(sample_name, dict(labels), value)
    return list(families.values())


class _Workers(Collector):
    """Reads every live worker's page at collect time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._addresses: dict[int, str] = {}

    def add(self, pid: int, address: str) -> None:
        with self._lock:
            self._addresses[pid] = address

    def remove(self, pid: int) -> None:
        with self._lock:
            self._addresses.pop(pid, None)

    def collect(self) -> Iterator[Metric]:
        with self._lock:
            addresses = dict(self._addresses)
        pages = [page for pid, address in addresses.items() if (page := _read(pid, address))]
        yield from merge(pages)
        reporting = GaugeMetricFamily(
            "roster_workers_reporting", "Worker processes whose metrics this scrape adds up."
        )
        reporting.add_metric([], len(pages))
        yield reporting


def _read(pid: int, address: str) -> list[Metric] | None:
    try:
        with urllib.request.urlopen(f"http://{address}/metrics", timeout=_SCRAPE_TIMEOUT_S) as page:
            text = page.read().decode()
    except OSError as error:  # starting, draining or gone: this scrape goes without it
        log.warning("cannot read a worker's metrics", extra={"pid": pid, "error": str(error)})
        return None
    return list(text_string_to_metric_families(text))


class SharedMetrics:
    """The supervisor's /metrics endpoint: the sum of every worker's metrics."""

    def __init__(self, address: str) -> None:
        self.address = ""
        self._address = address
        self._workers = _Workers()
        self._server: WSGIServer | None = None

    @property
    def worker_address(self) -> str:
        """The metrics address a worker should serve on: loopback, or none if metrics are off."""
        return WORKER_METRICS_ADDRESS if self._address else ""

    def __enter__(self) -> SharedMetrics:
        if not self._address:
            return self
        registry = CollectorRegistry()
        registry.register(self._workers)
        host, _, port = self._address.rpartition(":")
        try:
            self._server, _ = start_http_server(int(port), host.strip("[]"), registry)
        except OSError as error:
            raise OSError(f"cannot serve metrics on {self._address}: {error.strerror}") from error
        bound_host, bound_port = self._server.socket.getsockname()[:2]
        self.address = f"{bound_host}:{bound_port}"
        return self

    def worker_serving(self, pid: int, address: str) -> None:
        """Add a worker's page (served at `address`) to every scrape from now on."""
        if address:
            self._workers.add(pid, address)

    def worker_exited(self, pid: int | None) -> None:
        """Stop reading a worker that is gone."""
        if pid is not None:
            self._workers.remove(pid)

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
