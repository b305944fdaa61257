"""The image's start command, run outside a container exactly as the pod runs it."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import pytest
from deploy_chart import (
    CASES,
    LIVENESS_SERVICE,
    READINESS_SERVICE,
    Obj,
    one,
    render,
    server_container,
)
from grpc_health.v1 import health_pb2
from image_process import LogLines, image_cmd, image_entrypoint, pod_env, process_env, start

pytestmark = pytest.mark.slow

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
POD_NAME, NAMESPACE = "roster-7d9f", "roster"


@dataclass(frozen=True)
class Pod:
    """The default (SQLite) mode's pod spec and its containers, as the chart renders them."""

    spec: Obj
    server: Obj
    init: Obj

    def env(self, container: Obj, data_dir: Path) -> dict[str, str]:
        """A container's process environment outside the cluster."""
        return process_env(pod_env(container, POD_NAME, NAMESPACE), data_dir)

    def startup_budget(self) -> float:
        """How long the kubelet's startup probe waits before it restarts the container."""
        probe = self.server["startupProbe"]
        return float(probe["periodSeconds"] * probe["failureThreshold"])

    def stop_budget(self) -> float:
        """Seconds between SIGTERM and SIGKILL: the grace period less the preStop sleep."""
        pre_stop = int(self.server["lifecycle"]["preStop"]["exec"]["command"][1])
        return float(self.spec["terminationGracePeriodSeconds"] - pre_stop)


@dataclass(frozen=True)
class Served:
    """A running `tini -- roster-user serve` and the address it logged."""

    process: subprocess.Popen[str]
    logs: LogLines
    address: str


@pytest.fixture
def pod() -> Pod:
    """The rendered default pod."""
    objects = render(CASES[0])
    spec = one(objects, "Deployment")["spec"]["template"]["spec"]
    (init,) = spec["initContainers"]
    return Pod(spec, server_container(objects), init)


@pytest.fixture
def served(pod: Pod, tmp_path: Path) -> Iterator[Served]:
    """Runs the pod's migrate init container, then the server, both through tini."""
    data_dir = tmp_path / "data"  # stands in for the /data volume
    data_dir.mkdir()
    migrate = subprocess.run(
        [*image_entrypoint(), *pod.init["args"]],
        env=pod.env(pod.init, data_dir),
        cwd=data_dir,
        capture_output=True,
        text=True,
        check=False,
        timeout=pod.startup_budget(),
    )
    assert migrate.returncode == 0, migrate.stderr
    # The chart passes exactly the image's default arguments.
    assert pod.server["args"] == image_cmd()
    process = start([*image_entrypoint(), *image_cmd()], pod.env(pod.server, data_dir), data_dir)
    logs = LogLines(process.stderr)
    try:
        record = logs.wait_for("serving", pod.startup_budget())
        yield Served(process, logs, str(record["address"]))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


class Health:
    """grpc.health.v1.Health over a channel (the typed stubs lack HealthStub's methods)."""

    def __init__(self, channel: grpc.Channel) -> None:
        request = health_pb2.HealthCheckRequest.SerializeToString
        response = health_pb2.HealthCheckResponse.FromString
        self._check = channel.unary_unary(
            "/grpc.health.v1.Health/Check",
            request_serializer=request,
            response_deserializer=response,
        )
        self._watch = channel.unary_stream(
            "/grpc.health.v1.Health/Watch",
            request_serializer=request,
            response_deserializer=response,
        )

    def check(self, service: str) -> int:
        """One Check call, as the kubelet's gRPC probe makes it."""
        response: health_pb2.HealthCheckResponse = self._check(
            health_pb2.HealthCheckRequest(service=service), timeout=5
        )
        return response.status

    def watch(self, service: str) -> Any:
        """A Watch stream: an iterator of responses that can be cancelled."""
        return self._watch(health_pb2.HealthCheckRequest(service=service))


def test_image_command_serves_and_answers_both_probe_names(served: Served) -> None:
    """Readiness ("" and the service) and liveness answer SERVING once the server logs it."""
    with grpc.insecure_channel(served.address) as channel:
        health = Health(channel)
        for service in ("", READINESS_SERVICE, LIVENESS_SERVICE):
            assert health.check(service) == SERVING, service


def test_sigterm_to_tini_drains_and_exits_zero_within_the_grace_period(
    pod: Pod, served: Served
) -> None:
    """SIGTERM reaches the server through tini: readiness off, liveness on, exit 0 in time."""
    with grpc.insecure_channel(served.address) as channel:
        health = Health(channel)
        readiness = health.watch(READINESS_SERVICE)
        assert next(readiness).status == SERVING
        served.process.send_signal(signal.SIGTERM)
        # The Watch stream sees readiness flip before the drain delay starts; no race.
        assert next(readiness).status == NOT_SERVING
        # Still inside the drain delay: the kubelet must not restart a draining pod.
        assert health.check(LIVENESS_SERVICE) == SERVING
        readiness.cancel()
    # Past this budget the kubelet would SIGKILL; the wait raises instead.
    returncode = served.process.wait(timeout=pod.stop_budget())
    lines = served.logs.rest()
    assert returncode == 0, "\n".join(lines)
    assert any('"shutdown: complete"' in line for line in lines), "\n".join(lines)
