"""The checks the image must pass; the negative tests prove each one can fail."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tests.image import probe
from tests.image.container import Container
from tests.image.pod import Pod
from tests.image.podman import container_pid, image_user
from tests.support.waiting import until

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


def assert_numeric_non_root_user(image: str) -> int:
    """The image's USER is a numeric, non-zero uid (runAsNonRoot can verify only a number)."""
    user = image_user(image)
    uid, _, gid = user.partition(":")
    assert uid.isdigit() and gid.isdigit(), f"USER {user!r} is not numeric uid:gid"
    assert int(uid) != 0, f"USER {user!r} is root"
    return int(uid)


def assert_pid_one_is_tini(container: Container, uid: int) -> None:
    """PID 1 is tini, running as `uid`, with the server as its child (read from the kernel)."""
    pid = container_pid(container.name)
    proc = Path(f"/proc/{pid}")
    command = proc.joinpath("cmdline").read_text().split("\0")[:-1]
    assert proc.joinpath("comm").read_text().strip() == "tini", f"PID 1 is {command}"
    real_uid = next(
        line for line in proc.joinpath("status").read_text().splitlines() if line.startswith("Uid:")
    )
    assert int(real_uid.split()[1]) == uid, real_uid
    children = proc.joinpath("task", str(pid), "children").read_text().split()
    assert len(children) == 1, children
    child = Path(f"/proc/{children[0]}/cmdline").read_text().split("\0")
    assert child[1:3] == ["/opt/venv/bin/roster-user", "serve"], child


async def assert_startup(container: Container, pod: Pod) -> str:
    """The startup probe passes within its budget, as the kubelet polls it; return the address."""
    address = await container.address()

    async def passes() -> bool:
        return await probe.probe(address, pod.server["startupProbe"]) == probe.SERVING

    await until(passes, "the startup probe to pass", pod.startup_budget())
    return address


async def assert_drains(container: Container, pod: Pod) -> None:
    """After SIGTERM: readiness NOT_SERVING, liveness SERVING, exit 0 with the drain logged.

    All within the pod's stop budget; past it the kubelet would SIGKILL, and so does this.
    """
    address = await container.address()
    loop = asyncio.get_running_loop()
    give_up = loop.time() + pod.stop_budget()
    await _readiness_turns_off(container, pod, address, give_up)
    assert await probe.probe(address, pod.server["readinessProbe"]) == probe.UNHEALTHY
    # Still draining: the kubelet must not restart a pod that is shutting down cleanly.
    assert await probe.probe(address, pod.server["livenessProbe"]) == probe.SERVING
    try:
        code = await container.exit_code(max(0.0, give_up - loop.time()))
    except TimeoutError:
        container.kill()
        raise AssertionError(
            f"still running {pod.stop_budget()}s after SIGTERM: the kubelet would SIGKILL it"
        ) from None
    assert code == 0, container.process.raw[-5:]
    messages = [entry.get("message") for entry in container.process.logs]
    assert "shutdown: complete" in messages, container.process.raw[-5:]


async def _readiness_turns_off(
    container: Container, pod: Pod, address: str, give_up: float
) -> None:
    # A Watch stream sees the flip in order (SERVING, SIGTERM, NOT_SERVING): no polling race.
    loop = asyncio.get_running_loop()
    service = pod.server["readinessProbe"]["grpc"]["service"]
    async with grpc.aio.insecure_channel(address) as channel:
        stub: Any = health_pb2_grpc.HealthStub(channel)  # the stubs lack Check/Watch
        readiness = stub.Watch(health_pb2.HealthCheckRequest(service=service))
        assert (await readiness.read()).status == SERVING
        container.signal(signal.SIGTERM)
        try:
            update = await asyncio.wait_for(readiness.read(), give_up - loop.time())
        except TimeoutError:
            raise AssertionError(
                f"readiness still SERVING {pod.stop_budget()}s after SIGTERM: PID 1 kept it"
            ) from None
        finally:
            readiness.cancel()
        assert update.status == NOT_SERVING
