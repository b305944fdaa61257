"""Build and run the interop scenario of a frozen release's client, in each language.

The release's own generated code and client sources are used as frozen, never
regenerated. Builds happen in copies under build/compat/ (node_modules, Maven's
target/ and __pycache__ must not appear inside compat/), one per release contents,
so a second run only runs.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.compat.releases import ROOT, SUMS_FILE, Release

LANGUAGES = ("python", "go", "node", "java")
BUILD = ROOT / "build" / "compat"
# A fresh machine downloads npm and Maven dependencies and compiles grpc-go once.
BUILD_TIMEOUT = 900.0
SCENARIO_TIMEOUT = 300.0


@dataclass(frozen=True)
class Outcome:
    """How one run went: passed or not, and the output to show when not."""

    passed: bool
    output: str


def workspace(release: Release) -> Path:
    """build/compat/<contract>/<version>-<digest of SHA256SUMS>/: a copy to build in."""
    digest = hashlib.sha256((release.directory / SUMS_FILE).read_bytes()).hexdigest()[:12]
    return BUILD / release.contract / f"{release.version}-{digest}"


def _copy(release: Release, *paths: str) -> Path:
    """Copy the release's `paths` into its workspace (once) and return the workspace."""
    target = workspace(release)
    for path in paths:
        if not (target / path).exists():
            shutil.copytree(release.directory / path, target / path)
    return target


def _run(command: list[str], cwd: Path, env: dict[str, str], timeout: float) -> Outcome:
    done = subprocess.run(
        command,
        cwd=cwd,
        env=os.environ | env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Outcome(done.returncode == 0, f"$ {' '.join(command)}\n{done.stdout}{done.stderr}")


def _python(release: Release, address: str) -> Outcome:
    """The frozen scenario with the frozen roster_client and gen/python, read in place."""
    paths = [
        release.directory,
        release.directory / "gen/python",
        release.directory / "clients/python",
    ]
    env = {
        "PYTHONPATH": os.pathsep.join(str(path) for path in paths),
        "PYTHONDONTWRITEBYTECODE": "1",
        "ROSTER_ADDRESS": address,
    }
    command = [sys.executable, "-m", "tests.interop.python_scenario"]
    return _run(command, release.directory, env, SCENARIO_TIMEOUT)


def _go(release: Release, address: str) -> Outcome:
    """Build cmd/scenario from the frozen clients/go (its go.mod replaces gen/go beside it)."""
    binary = workspace(release) / "go-scenario"
    if not binary.exists():
        built = _run(
            ["go", "build", "-buildvcs=false", "-o", str(binary), "./cmd/scenario"],
            release.directory / "clients/go",
            {"GOFLAGS": "-mod=readonly"},
            BUILD_TIMEOUT,
        )
        if not built.passed:
            return built
    return _run([str(binary)], ROOT, {"ROSTER_ADDRESS": address}, SCENARIO_TIMEOUT)


def _node(release: Release, address: str) -> Outcome:
    """npm ci from the frozen lock file, tsc, then the frozen scenario."""
    copy = _copy(release, "clients/node", "gen/node")
    node = copy / "clients/node"
    scenario = node / "dist/clients/node/src/scenario.js"
    if not scenario.exists():
        for step in (
            ["npm", "ci", "--silent", "--ignore-scripts", "--prefer-offline"],
            [str(node / "node_modules/.bin/tsc"), "-p", "."],
        ):
            built = _run(step, node, {}, BUILD_TIMEOUT)
            if not built.passed:
                return built
    return _run(["node", str(scenario)], node, {"ROSTER_ADDRESS": address}, SCENARIO_TIMEOUT)


def _java(release: Release, address: str) -> Outcome:
    """`mvn package` of the frozen pom and sources, then the scenario on its classpath."""
    copy = _copy(release, "clients/java", "gen/java")
    java = copy / "clients/java"
    jar, classpath = java / "target/roster-client.jar", java / "target/runtime-classpath.txt"
    if not classpath.exists():
        package = ["mvn", "-B", "-q", "-Dstyle.color=never", "package", "-Dmaven.test.skip=true"]
        built = _run(package, java, {}, BUILD_TIMEOUT)
        if not built.passed:
            return built
    path = f"{jar}{os.pathsep}{classpath.read_text(encoding='utf-8').strip()}"
    command = ["java", "-cp", path, "dev.roster.client.Scenario"]
    return _run(command, java, {"ROSTER_ADDRESS": address}, SCENARIO_TIMEOUT)


RUNNERS: dict[str, Callable[[Release, str], Outcome]] = {
    "python": _python,
    "go": _go,
    "node": _node,
    "java": _java,
}


def run_released_client(release: Release, language: str, address: str) -> Outcome:
    """Run the release's `language` client through the scenario against `address`."""
    return RUNNERS[language](release, address)
