"""The image in a real container runtime, run with the pod spec's settings, as a kubelet would."""

from __future__ import annotations

import json

import pytest

from roster_client import UserClient
from tests.conftest import a_user
from tests.image import probe
from tests.image.checks import assert_drains, assert_numeric_non_root_user, assert_pid_one_is_tini
from tests.image.container import Container
from tests.image.pod import Pod
from tests.image.podman import podman

pytestmark = pytest.mark.slow

# Run inside the image: what a build stage may hold and the runtime stage must not.
BUILD_TOOLS = ("gcc", "cc", "make", "pip", "pip3")
LIST_BUILD_TOOLS = f"""
import importlib.util, json, shutil
found = [tool for tool in {BUILD_TOOLS!r} if shutil.which(tool)]
found += [module for module in ("pip", "setuptools") if importlib.util.find_spec(module)]
print(json.dumps(found))
"""


def test_the_image_runs_as_the_charts_numeric_non_root_uid(pod: Pod, image: str) -> None:
    """USER is numeric uid:gid, not root, and the same uid the chart's securityContext sets."""
    assert assert_numeric_non_root_user(image) == pod.uid(pod.server)


def test_the_runtime_image_holds_no_build_tools(image: str) -> None:
    """No compiler, make or pip on PATH, and no pip or setuptools in the server's venv."""
    done = podman(
        "run", "--rm", "--network=none", "--entrypoint=python", image, "-c", LIST_BUILD_TOOLS
    )
    assert json.loads(done.stdout) == []


async def test_pid_one_is_tini_running_the_server_as_the_charts_uid(
    pod: Pod, served: Container
) -> None:
    """tini is PID 1 as the chart's uid, and its one child is `roster-user serve`."""
    assert_pid_one_is_tini(served, pod.uid(pod.server))


async def test_readiness_and_liveness_probes_answer_serving(pod: Pod, served: Container) -> None:
    """Once started, the kubelet's readiness and liveness probes both pass."""
    address = await served.address()
    for kind in ("readinessProbe", "livenessProbe"):
        assert await probe.probe(address, pod.server[kind]) == probe.SERVING, kind


async def test_a_user_created_through_the_python_client_reads_back(served: Container) -> None:
    """CreateUser then GetUser through the published port, on the volume's database."""
    async with UserClient(await served.address()) as users:
        created = await users.create_user(a_user(1))
        assert await users.get_user(created.name) == created


async def test_sigterm_drains_and_exits_zero_within_the_grace_period(
    pod: Pod, served: Container
) -> None:
    """Readiness NOT_SERVING, liveness SERVING, then exit 0 with the drain logged, in time."""
    await assert_drains(served, pod)
