"""One Prometheus endpoint for every worker process, through prometheus_client's multiprocess mode."""

from __future__ import annotations

import os
import tempfile
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry
from prometheus_client.exposition import start_http_server
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead


class SharedMetrics:
    """One /metrics endpoint over every worker (prometheus_client's multiprocess mode)."""

    def __init__(self, address: str) -> None:
        self.address = ""
        self._address = address
        self._directory: tempfile.TemporaryDirectory[str] | None = None
        self._server: WSGIServer | None = None

    def __enter__(self) -> SharedMetrics:
        if not self._address:
            return self
        self._directory = tempfile.TemporaryDirectory(prefix="roster-metrics-")
        # Read by prometheus_client when each spawned worker imports it.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = self._directory.name
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=self._directory.name)  # type: ignore[no-untyped-call]
        host, _, port = self._address.rpartition(":")
        try:
            self._server, _ = start_http_server(int(port), host.strip("[]"), registry)
        except OSError as error:
            self.__exit__()
            raise OSError(f"cannot serve metrics on {self._address}: {error.strerror}") from error
        bound_host, bound_port = self._server.socket.getsockname()[:2]
        self.address = f"{bound_host}:{bound_port}"
        return self

    def worker_exited(self, pid: int | None) -> None:
        """Drop the live gauges of a worker that is gone."""
        if self._directory is not None and pid is not None:
            mark_process_dead(pid, self._directory.name)  # type: ignore[no-untyped-call]

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._directory is not None:
            os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
            self._directory.cleanup()
