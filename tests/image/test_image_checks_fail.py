"""Each check of the image fails on the regression it guards against (a test of the tests)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from tests.deploy.deploy_chart import DOCKERFILE, Case, plain_env
from tests.image.checks import assert_drains, assert_numeric_non_root_user, assert_pid_one_is_tini
from tests.image.pod import Pod
from tests.image.podman import build, podman
from tests.image.started import started_pod

pytestmark = pytest.mark.slow

# A valid chart install whose stop budget (grace less preStop) is 3 s, so a container that
# never drains is caught in 3 s rather than the default 25.
SHORT_SHUTDOWN = Case(
    "short-shutdown",
    sets={
        "shutdown.preStopSleepSeconds": "1",
        "shutdown.drainSeconds": "1",
        "shutdown.graceSeconds": "1",
        "shutdown.marginSeconds": "1",
        "shutdown.terminationGracePeriodSeconds": "4",
    },
)
# A shell as PID 1: it has no SIGTERM handler, so the kernel drops the signal for it.
SHELL_ENTRYPOINT = ["sh", "-c", 'roster-user "$@"; exit $?', "sh"]


def test_the_user_check_fails_for_an_image_that_runs_as_root(tmp_path: Path) -> None:
    """A copy of the Dockerfile with `USER 0:0` builds, and the user check rejects it."""
    text = DOCKERFILE.read_text()
    assert "\nUSER 10001:10001\n" in text
    variant = tmp_path / "Dockerfile"
    variant.write_text(text.replace("\nUSER 10001:10001\n", "\nUSER 0:0\n"))
    image = build("localhost/roster-user:runs-as-root", variant)
    try:
        with pytest.raises(AssertionError, match="is root"):
            assert_numeric_non_root_user(image)
    finally:
        podman("rmi", image, check=False)


async def test_the_tini_and_drain_checks_fail_when_pid_one_does_not_forward_sigterm(
    image: str,
) -> None:
    """With a shell as PID 1 the server never hears SIGTERM: both checks fail."""
    pod = Pod.rendered(SHORT_SHUTDOWN)
    entrypoint = f"--entrypoint={json.dumps(SHELL_ENTRYPOINT)}"
    async with started_pod(pod, image, [entrypoint]) as server:
        with pytest.raises(AssertionError, match="PID 1 is"):
            assert_pid_one_is_tini(server, pod.uid(pod.server))
        with pytest.raises(AssertionError, match="readiness still SERVING"):
            await assert_drains(server, pod)


async def test_the_drain_check_fails_when_the_grace_is_shorter_than_the_drain(
    pod: Pod, image: str
) -> None:
    """One second between SIGTERM and SIGKILL, less than the drain delay: the kubelet kills it."""
    drain = int(plain_env(pod.server)["ROSTER_DRAIN_SECONDS"])
    pre_stop = int(pod.spec["terminationGracePeriodSeconds"] - pod.stop_budget())
    short = replace(pod, spec={**pod.spec, "terminationGracePeriodSeconds": pre_stop + 1})
    # The server sleeps out its drain delay before it stops, so it cannot exit in time.
    assert short.stop_budget() < drain
    async with started_pod(short, image) as server:
        with pytest.raises(AssertionError, match="the kubelet would SIGKILL it"):
            await assert_drains(server, short)
