"""The image's start command, run outside a container exactly as the pod runs it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tests.deploy.deploy_chart import (
    CASES,
    LIVENESS_SERVICE,
    READINESS_SERVICE,
    Obj,
    one,
    render,
    server_container,
)
from tests.deploy.image_process import image_cmd, image_entrypoint, pod_env, process_env
from tests.support.health_probe import NOT_SERVING, SERVING, status
from tests.support.processes import ServerProcess

pytestmark = pytest.mark.slow

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


@pytest.fixture
def pod() -> Pod:
    """The rendered default pod."""
    objects = render(CASES[0])
    spec = one(objects, "Deployment")["spec"]["template"]["spec"]
    (init,) = spec["initContainers"]
    return Pod(spec, server_container(objects), init)


async def run_container(pod: Pod, container: Obj, data_dir: Path) -> ServerProcess:
    """Start ENTRYPOINT + the container's args in the image's WORKDIR stand-in."""
    process = await asyncio.create_subprocess_exec(
        *image_entrypoint(),
        *container["args"],
        env=pod.env(container, data_dir),
        cwd=data_dir,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    return ServerProcess(process)


async def kill_tree(server: ServerProcess) -> None:
    """SIGKILL tini's children, then tini, and collect the exit and the log reader.

    SIGKILL is the one signal tini cannot forward, and tini moves its child into a process
    group of its own, so the children are found through /proc (Linux) and killed first.
    """
    pid = server.process.pid
    with contextlib.suppress(FileNotFoundError):
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(child), signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        server.process.kill()
    await server.exit_code()


@pytest.fixture
async def served(pod: Pod, tmp_path: Path) -> AsyncIterator[ServerProcess]:
    """Runs the pod's migrate init container, then the server, both through tini."""
    data_dir = tmp_path / "data"  # stands in for the /data volume
    data_dir.mkdir()
    migrate = await run_container(pod, pod.init, data_dir)
    try:
        assert await migrate.exit_code(pod.startup_budget()) == 0, migrate.raw
    finally:
        await kill_tree(migrate)
    # The chart passes exactly the image's default arguments.
    assert pod.server["args"] == image_cmd()
    server = await run_container(pod, pod.server, data_dir)
    try:
        await server.wait_for_log("serving", pod.startup_budget())
        yield server
    finally:
        await kill_tree(server)


async def test_image_command_serves_and_answers_both_probe_names(served: ServerProcess) -> None:
    """Readiness ("" and the service) and liveness answer SERVING once the server logs it."""
    address = await served.address()
    for service in ("", READINESS_SERVICE, LIVENESS_SERVICE):
        assert await status(address, service) == SERVING, service


async def test_sigterm_to_tini_drains_and_exits_zero_within_the_grace_period(
    pod: Pod, served: ServerProcess
) -> None:
    """SIGTERM reaches the server through tini: readiness off, liveness on, exit 0 in time."""
    address = await served.address()
    async with grpc.aio.insecure_channel(address) as channel:
        stub: Any = health_pb2_grpc.HealthStub(channel)  # the stubs lack Check/Watch
        readiness = stub.Watch(health_pb2.HealthCheckRequest(service=READINESS_SERVICE))
        assert (await readiness.read()).status == SERVING
        served.send(signal.SIGTERM)
        # The Watch stream sees readiness flip before the drain delay starts; no race.
        assert (await readiness.read()).status == NOT_SERVING
        # Still inside the drain delay: the kubelet must not restart a draining pod.
        assert await status(address, LIVENESS_SERVICE) == SERVING
        readiness.cancel()
    # Past this budget the kubelet would SIGKILL; the wait raises instead.
    assert await served.exit_code(pod.stop_budget()) == 0, served.raw
    assert any(entry.get("message") == "shutdown: complete" for entry in served.logs), served.raw
