"""A real `roster-user serve` process, called once and scraped on its metrics endpoint."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import grpc
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from roster.user.v1 import user_service_pb2, user_service_pb2_grpc

T = TypeVar("T")

START_SECONDS = 30.0
# Once the gRPC port serves, the metrics endpoint (started before it) must answer promptly.
METRICS_SECONDS = 5.0
STOP_SECONDS = 30.0
# The series names each Prometheus metric type exposes, by suffix of the family name.
_SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_sum", "_count", "_created"),
    "gaugehistogram": ("_bucket", "_gsum", "_gcount"),
    "summary": ("", "_sum", "_count", "_created"),
    "info": ("_info",),
}


class MetricsEndpointUnavailable(Exception):
    """The server serves gRPC but nothing answers on its metrics address."""


@dataclass(frozen=True)
class Scrape:
    """What one scrape of the metrics endpoint exposed."""

    series_names: frozenset[str]
    samples: tuple[Sample, ...]


def parse_exposition(text: str) -> Scrape:
    """Series names (declared by type, or sampled) and samples of a Prometheus text page."""
    names: set[str] = set()
    samples: list[Sample] = []
    for family in text_string_to_metric_families(text):
        names.update(family.name + suffix for suffix in _SUFFIXES.get(family.type, ("",)))
        names.update(sample.name for sample in family.samples)
        samples.extend(family.samples)
    return Scrape(frozenset(names), tuple(samples))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def running_server(workdir: Path) -> Iterator[tuple[str, str]]:
    """Start `roster-user serve`; yield its gRPC address and metrics host:port; SIGTERM it."""
    metrics_address = f"127.0.0.1:{free_port()}"
    log_path = workdir / "server.log"
    env = os.environ | {
        "ROSTER_LISTEN_ADDRESS": "127.0.0.1:0",
        "ROSTER_DATABASE_URL": f"sqlite:///{workdir / 'roster.db'}",
        "ROSTER_METRICS_ADDRESS": metrics_address,
        "ROSTER_DRAIN_SECONDS": "0",
        "OTEL_TRACES_EXPORTER": "none",
    }
    command = [str(Path(sys.executable).parent / "roster-user"), "serve"]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        yield _wait_for_serving(process, log_path), metrics_address
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def scrape_after_one_call(workdir: Path) -> Scrape:
    """Serve, make one GetUser call for a missing user, and scrape once it is counted."""
    with running_server(workdir) as (grpc_address, metrics_address):
        try:
            _poll(METRICS_SECONDS, lambda: _try_get_metrics(metrics_address))
        except TimeoutError:
            raise MetricsEndpointUnavailable(f"nothing answers on {metrics_address}") from None
        with grpc.insecure_channel(grpc_address) as channel:
            stub = user_service_pb2_grpc.UserServiceStub(channel)
            # NOT_FOUND is the point: the scrape then holds an error code.
            try:
                stub.GetUser(user_service_pb2.GetUserRequest(name="users/missing"), timeout=10)
            except grpc.RpcError as error:
                if error.code() != grpc.StatusCode.NOT_FOUND:
                    raise
            else:
                raise AssertionError("GetUser of users/missing succeeded")

        def counted() -> Scrape | None:
            scrape = parse_exposition(_try_get_metrics(metrics_address) or "")
            handled = [s for s in scrape.samples if s.name == "grpc_server_handled_total"]
            return (
                scrape if any(s.labels.get("grpc_method") == "GetUser" for s in handled) else None
            )

        try:
            return _poll(METRICS_SECONDS, counted)
        except TimeoutError:
            raise AssertionError("GetUser never appeared in grpc_server_handled_total") from None


def _wait_for_serving(process: subprocess.Popen[bytes], log_path: Path) -> str:
    """The address from the server's `serving` log line; fails if the process exits first."""

    def serving_address() -> str | None:
        for line in log_path.read_text().splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and record.get("message") == "serving":
                return str(record["address"])
        if process.poll() is not None:
            raise AssertionError(
                f"roster-user exited {process.returncode}:\n{log_path.read_text()}"
            )
        return None

    deadline = time.monotonic() + START_SECONDS
    while (address := serving_address()) is None:
        assert time.monotonic() < deadline, f"no `serving` line:\n{log_path.read_text()}"
        time.sleep(0.05)  # Poll interval while the log file grows.
    return address


def _try_get_metrics(address: str) -> str | None:
    """The metrics page, or None while nothing answers on the address."""
    host, port = address.rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        connection.request("GET", "/metrics")
        response = connection.getresponse()
        body = response.read().decode()
    except OSError:
        return None
    finally:
        connection.close()
    return body if response.status == 200 else None


def _poll(seconds: float, attempt: Callable[[], T | None]) -> T:
    """Retry attempt() until it returns something; TimeoutError after the deadline."""
    deadline = time.monotonic() + seconds
    while (result := attempt()) is None:
        if time.monotonic() >= deadline:
            raise TimeoutError
        time.sleep(0.05)  # Poll interval.
    return result
