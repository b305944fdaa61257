"""Run a fresh roster-user server on a free port with its own SQLite file; stop it by SIGTERM."""

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from collections import deque
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2

SERVING_TIMEOUT = 60.0
HEALTH_TIMEOUT = 30.0
STOP_TIMEOUT = 60.0
LOG_TAIL = 40
HEALTH_WATCH = f"/{health_pb2.DESCRIPTOR.services_by_name['Health'].full_name}/Watch"


class ServerFailed(Exception):
    """The server did not come up, or did not stop cleanly; the message holds its log tail."""


def default_command() -> list[str]:
    """Return `roster-user serve` from the virtualenv running this interpreter."""
    return [str(Path(sys.executable).parent / "roster-user"), "serve"]


class ServerProcess:
    """One roster-user process: start() returns its address, stop() its exit code."""

    def __init__(
        self, data_dir: Path, command: list[str] | None = None, env: dict[str, str] | None = None
    ) -> None:
        """Prepare a server whose database lives in data_dir; env adds or overrides variables."""
        self._command = command or default_command()
        self._env = (
            os.environ
            | (env or {})
            | {
                "ROSTER_LISTEN_ADDRESS": "127.0.0.1:0",  # port 0: the OS picks a free port
                "ROSTER_DATABASE_URL": f"sqlite:///{data_dir.resolve() / 'roster.db'}",
                "ROSTER_METRICS_ADDRESS": "",  # disabled: several servers may run at once
                "ROSTER_DRAIN_SECONDS": "0",  # no load balancer to drain from: stop at once
            }
        )
        self._log: deque[str] = deque(maxlen=LOG_TAIL)
        self._serving: queue.Queue[str | None] = queue.Queue()
        self._process: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None

    def log_tail(self) -> str:
        """Return the server's last log lines."""
        return "".join(self._log)

    def start(self) -> str:
        """Start the server, wait for its `serving` log line and for health; return host:port."""
        self._process = subprocess.Popen(
            self._command,
            env=self._env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        # The log is drained for the server's whole life, or a full pipe would block it.
        self._reader = threading.Thread(target=self._read_log, daemon=True)
        self._reader.start()
        try:
            address = self._serving.get(timeout=SERVING_TIMEOUT)
        except queue.Empty:
            address = None
        if address is None:
            self.stop()
            raise ServerFailed(f"no 'serving' log line:\n{self.log_tail()}")
        wait_until_serving(address)
        return address

    def _read_log(self) -> None:
        """Keep the log tail and report the address of the `serving` line; None at EOF."""
        assert self._process is not None
        assert self._process.stderr is not None
        for line in self._process.stderr:
            self._log.append(line)
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue  # not a log record (e.g. a crash trace): kept in the tail only
            if isinstance(record, dict) and record.get("message") == "serving":
                self._serving.put(str(record["address"]))
        self._serving.put(None)

    def stop(self) -> int:
        """Send SIGTERM, wait for the server to drain and exit; return its exit code."""
        if self._process is None:
            return 0
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
        try:
            code = self._process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
            raise ServerFailed(f"still running {STOP_TIMEOUT}s after SIGTERM") from None
        if self._reader is not None:
            self._reader.join()
        return code


def wait_until_serving(address: str) -> None:
    """Watch readiness (health service "") until SERVING, within HEALTH_TIMEOUT seconds."""
    with grpc.insecure_channel(address) as channel:
        # Health.Watch streams each status change, so no polling interval is needed. The
        # typed stubs lack HealthStub's methods, hence the call through the channel.
        watch = channel.unary_stream(
            HEALTH_WATCH,
            request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
            response_deserializer=health_pb2.HealthCheckResponse.FromString,
        )
        request = health_pb2.HealthCheckRequest(service="")
        updates = watch(request, timeout=HEALTH_TIMEOUT, wait_for_ready=True)
        try:
            for update in updates:
                if update.status == health_pb2.HealthCheckResponse.SERVING:
                    return
        except grpc.RpcError as error:
            raise ServerFailed(f"health at {address} never SERVING: {error}") from None
        finally:
            updates.cancel()
        raise ServerFailed(f"health watch at {address} ended before SERVING")
