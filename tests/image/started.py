"""A pod's life in podman: a fresh volume, the migrate init container, then the server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from tests.image.checks import assert_startup
from tests.image.container import Container, data_volume, running
from tests.image.pod import Pod


@asynccontextmanager
async def started_pod(
    pod: Pod, image: str, server_options: Sequence[str] = ()
) -> AsyncIterator[Container]:
    """Migrate to completion, then start the server (with extra options) past its startup probe."""
    async with data_volume() as volume:
        # No network at all for migrate: the image must need none at run time.
        async with running(pod, pod.init, volume, image, ["--network=none"]) as migrate:
            assert await migrate.exit_code(pod.startup_budget()) == 0, migrate.process.raw[-5:]
            messages = [entry.get("message") for entry in migrate.process.logs]
            assert "migrations applied" in messages, migrate.process.raw[-5:]
        async with running(pod, pod.server, volume, image, server_options) as server:
            await assert_startup(server, pod)
            yield server
