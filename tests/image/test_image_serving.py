"""One server container, started once for this module: what it answers while it serves."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from roster_client import UserClient
from tests.conftest import a_user
from tests.image import probe
from tests.image.checks import assert_pid_one_is_tini
from tests.image.container import Container
from tests.image.pod import Pod
from tests.image.started import started_pod

# These tests only read the server's state (and add one user), so they share one container.
pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="module")]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def serving(pod: Pod, image: str) -> AsyncIterator[Container]:
    """The default pod's server on a fresh, migrated volume, past its startup probe."""
    async with started_pod(pod, image) as server:
        yield server


async def test_pid_one_is_tini_running_the_server_as_the_charts_uid(
    pod: Pod, serving: Container
) -> None:
    """tini is PID 1 as the chart's uid, and its one child is `roster-user serve`."""
    assert_pid_one_is_tini(serving, pod.uid(pod.server))


async def test_readiness_and_liveness_probes_answer_serving(pod: Pod, serving: Container) -> None:
    """Once started, the kubelet's readiness and liveness probes both pass."""
    address = await serving.address()
    for kind in ("readinessProbe", "livenessProbe"):
        assert await probe.probe(address, pod.server[kind]) == probe.SERVING, kind


async def test_a_user_created_through_the_python_client_reads_back(serving: Container) -> None:
    """CreateUser then GetUser through the published port, on the volume's database."""
    async with UserClient(await serving.address()) as users:
        created = await users.create_user(a_user(1))
        assert await users.get_user(created.name) == created
