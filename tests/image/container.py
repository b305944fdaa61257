"""A container of the pod run with `podman run`, attached so its JSON logs can be followed."""

from __future__ import annotations

import asyncio
import signal
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from tests.deploy.deploy_chart import Obj
from tests.image.pod import Pod
from tests.image.podman import podman, podman_binary, podman_env, published_address
from tests.support.processes import ServerProcess
from tests.support.waiting import until


class Container:
    """A running container: its name, its log lines (through ServerProcess) and its ports."""

    def __init__(self, name: str, process: ServerProcess, spec: Obj) -> None:
        self.name = name
        self.process = process
        self.spec = spec

    async def address(self) -> str:
        """The host address of the container's gRPC port, once podman has published it."""
        (port,) = [p["containerPort"] for p in self.spec["ports"] if p["name"] == "grpc"]
        await until(lambda: published_address(self.name, port) is not None, "a published port")
        address = published_address(self.name, port)
        assert address is not None
        return address

    def signal(self, signum: signal.Signals) -> None:
        """Send a signal to the container's PID 1, as the kubelet does through the runtime."""
        podman("kill", f"--signal={signum.name}", self.name)

    def kill(self) -> None:
        """SIGKILL, as the kubelet sends at the end of the grace period (fine if it exited)."""
        podman("kill", "--signal=KILL", self.name, check=False)

    async def exit_code(self, timeout: float) -> int:
        """The container's exit code; `podman run` exits with it (TimeoutError past `timeout`)."""
        return await self.process.exit_code(timeout)


@asynccontextmanager
async def running(
    pod: Pod, spec: Obj, volume: str, image: str, extra: Sequence[str] = ()
) -> AsyncIterator[Container]:
    """Run one of the pod's containers over the data volume; remove it however the test ends.

    `extra` options go before the image (such as `--network=none` or `--entrypoint`).
    """
    name = f"roster-test-{uuid.uuid4().hex[:12]}"
    process = await asyncio.create_subprocess_exec(
        podman_binary(),
        "run",
        "--rm",
        f"--name={name}",
        *pod.run_options(spec, volume),
        *extra,
        image,
        *spec["args"],
        env=podman_env(),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    container = Container(name, ServerProcess(process), spec)
    try:
        yield container
    finally:
        # SIGKILL, like the kubelet at the end of the grace period; a no-op once it exited.
        podman("rm", "--force", "--ignore", "--time=0", name, check=False)
        await container.process.exit_code(timeout=30)


@asynccontextmanager
async def data_volume() -> AsyncIterator[str]:
    """A fresh named volume standing in for the pod's PersistentVolumeClaim."""
    name = f"roster-test-{uuid.uuid4().hex[:12]}"
    podman("volume", "create", name)
    try:
        yield name
    finally:
        podman("volume", "rm", "--force", name, check=False)
