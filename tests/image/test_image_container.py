"""The image in a real container runtime, run with the pod spec's settings, as a kubelet would."""

from __future__ import annotations

import json

import pytest

from tests.image.checks import assert_drains, assert_numeric_non_root_user
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


async def test_sigterm_drains_and_exits_zero_within_the_grace_period(
    pod: Pod, served: Container
) -> None:
    """Readiness NOT_SERVING, liveness SERVING, then exit 0 with the drain logged, in time."""
    await assert_drains(served, pod)
