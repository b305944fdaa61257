"""The image built from the unmodified Dockerfile, and the chart's default (SQLite) pod."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.deploy.deploy_chart import CASES
from tests.image.container import Container
from tests.image.pod import Pod
from tests.image.podman import build
from tests.image.started import started_pod


@pytest.fixture(scope="session")
def pod() -> Pod:
    """The default pod, as the chart renders it."""
    return Pod.rendered(CASES[0])


@pytest.fixture(scope="session")
def image(pod: Pod) -> str:
    """deploy/docker/Dockerfile built as the chart names the image (cached after the first)."""
    return build(pod.image)


@pytest.fixture
async def served(pod: Pod, image: str) -> AsyncIterator[Container]:
    """The default pod's server on a fresh, migrated volume, past its startup probe."""
    async with started_pod(pod, image) as server:
        yield server
