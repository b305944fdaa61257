"""Podman, as `make image-test` set it up: this checkout's configuration, storage and base."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.deploy.deploy_chart import DOCKERFILE, REPO

CONTAINERS = REPO / ".tools" / "containers"
# Debian's CA bundle (the file its ca-certificates package maintains). RUN steps that download
# packages need it when the machine's network inspects TLS; a build-time volume is not
# committed, so it never ends up in the image.
CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
SETUP_HINT = "run `make image-test` (it installs podman and builds the local base image)"


def podman_env() -> dict[str, str]:
    """The process env that points podman at this checkout's configuration and storage."""
    return {
        **os.environ,
        "CONTAINERS_CONF": str(CONTAINERS / "containers.conf"),
        "CONTAINERS_STORAGE_CONF": str(CONTAINERS / "storage.conf"),
    }


def podman_binary() -> str:
    """podman's path; a missing podman fails the test (CI must never skip the image)."""
    found = shutil.which("podman")
    assert found is not None, f"podman is not installed: {SETUP_HINT}"
    assert (CONTAINERS / "containers.conf").exists(), f"podman is not configured: {SETUP_HINT}"
    return found


def podman(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run one podman command; with `check`, a failure fails the test with podman's stderr."""
    done = subprocess.run(
        [podman_binary(), *args],
        capture_output=True,
        text=True,
        check=False,
        env=podman_env(),
        cwd=REPO,
    )
    if check:
        assert done.returncode == 0, f"podman {' '.join(args)}:\n{done.stderr}"
    return done


def base_image() -> str:
    """The runtime stage's base, as the local stand-in is tagged."""
    (base,) = [
        line.split()[1]
        for line in DOCKERFILE.read_text().splitlines()
        if line.endswith(" AS runtime")
    ]
    return f"localhost/{base}"


def build(tag: str, dockerfile: Path = DOCKERFILE) -> str:
    """Build `dockerfile` with the repository as its context, never pulling; return the tag."""
    assert podman("image", "exists", base_image(), check=False).returncode == 0, (
        f"{base_image()} is missing: {SETUP_HINT}"
    )
    podman(
        "build",
        "--pull=never",
        f"--volume={CA_BUNDLE}:{CA_BUNDLE}:ro",
        "--file",
        str(dockerfile),
        "--tag",
        tag,
        str(REPO),
    )
    return tag


def image_user(image: str) -> str:
    """The USER recorded in an image's configuration."""
    return podman("image", "inspect", "--format", "{{.Config.User}}", image).stdout.strip()


def container_pid(name: str) -> int:
    """The host's pid of a running container's PID 1."""
    return int(podman("inspect", "--format", "{{.State.Pid}}", name).stdout)


def published_address(name: str, port: int) -> str | None:
    """The host address a container port is published on, once the container runs."""
    done = podman("port", name, f"{port}/tcp", check=False)
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None
