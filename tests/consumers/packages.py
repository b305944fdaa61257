"""Each client packaged as a user gets it, and a throwaway project outside the repository using it.

Python: the built wheel installed in a fresh virtualenv. Go: a local module proxy
directory (GOPROXY=file://...) serving roster.dev/gen/go and roster.dev/clients/go at
v1.0.0. TypeScript: the `npm pack` tarball. Java: the artifact `mvn install` put in
the local Maven repository. Every project starts from tests/consumers/projects/<language>.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECTS = Path(__file__).resolve().parent / "projects"
VERSION = "1.0.0"
# A fresh machine may download and compile dependencies on first use.
BUILD_TIMEOUT = 900


@dataclasses.dataclass(frozen=True)
class Consumer:
    """How to run one language's built consumer program."""

    language: str
    command: list[str]
    cwd: Path
    env: dict[str, str]


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a build step; fail with its output if it fails."""
    result = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def _project(language: str, work: Path) -> Path:
    project = work / f"{language}-consumer"
    shutil.copytree(PROJECTS / language, project)
    return project


def python_consumer(work: Path) -> Consumer:
    """The roster-client wheel in a fresh virtualenv, and consumer.py run by it."""
    uv = str(ROOT / ".venv" / "bin" / "uv")
    wheels = work / "wheels"
    run([uv, "build", "--quiet", "--wheel", "clients/python", "-o", str(wheels)], ROOT)
    project = _project("python", work)
    venv = project / "venv"
    run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)], project)
    python = str(venv / "bin" / "python")
    wheel = next(wheels.glob(f"roster_client-{VERSION}-*.whl"))
    run([uv, "pip", "install", "--quiet", "--python", python, str(wheel)], project)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return Consumer("python", [python, "consumer.py"], project, env)


def go_consumer(work: Path) -> Consumer:
    """A module proxy directory with both Roster modules, and a module requiring the client."""
    proxy = work / "goproxy"
    _publish_go_module(proxy, "roster.dev/gen/go", ROOT / "gen" / "go")
    _publish_go_module(proxy, "roster.dev/clients/go", ROOT / "clients" / "go")
    project = _project("go", work)
    upstream = run(["go", "env", "GOPROXY"], ROOT).strip()
    env = os.environ | {
        "GOPROXY": f"file://{proxy},{upstream}",
        "GONOSUMDB": "roster.dev",
        "GOFLAGS": "-mod=mod",
        "GOWORK": "off",
    }
    run(["go", "mod", "tidy"], project, env)
    run(["go", "build", "-o", "consumer", "."], project, env)
    return Consumer("go", [str(project / "consumer")], project, env)


def _publish_go_module(proxy: Path, module: str, source: Path) -> None:
    """Lay out module@VERSION as a GOPROXY directory serves it: list, info, mod, zip."""
    versions = proxy / module / "@v"
    versions.mkdir(parents=True)
    tag = f"v{VERSION}"
    (versions / "list").write_text(f"{tag}\n")
    (versions / f"{tag}.info").write_text(json.dumps({"Version": tag}))
    shutil.copy(source / "go.mod", versions / f"{tag}.mod")
    tracked = run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "."], source)
    with zipfile.ZipFile(versions / f"{tag}.zip", "w") as archive:
        for name in sorted(tracked.split()):
            # The workspace file is for in-repository builds only.
            if not name.startswith("go.work"):
                archive.write(source / name, f"{module}@{tag}/{name}")


def node_consumer(work: Path) -> Consumer:
    """The `npm pack` tarball installed in a new package, type-checked and compiled by tsc."""
    node_dir = ROOT / "clients" / "node"
    run(["make", "--no-print-directory", "clients/node/node_modules/.installed"], ROOT)
    tarballs = work / "npm"
    tarballs.mkdir()
    run(["npm", "pack", "--silent", "--pack-destination", str(tarballs)], node_dir)
    tarball = next(tarballs.glob(f"roster-client-{VERSION}.tgz"))
    project = _project("node", work)
    manifest = json.loads((project / "package.json").read_text())
    manifest["dependencies"]["roster-client"] = f"file:{tarball}"
    (project / "package.json").write_text(json.dumps(manifest, indent=2))
    run(["npm", "install", "--silent", "--prefer-offline", "--no-audit", "--no-fund"], project)
    run(["npx", "--no-install", "tsc", "-p", "."], project)
    return Consumer("node", ["node", "dist/main.js"], project, dict(os.environ))


def java_consumer(work: Path) -> Consumer:
    """`mvn install` of the client, then a Maven project depending on its coordinates."""
    mvn = ["mvn", "-B", "-q", "-Dstyle.color=never"]
    run([*mvn, "install", "-DskipTests"], ROOT / "clients" / "java")
    project = _project("java", work)
    run([*mvn, "package", "dependency:build-classpath", "-Dmdep.outputFile=classpath.txt"], project)
    classpath = f"target/classes:{(project / 'classpath.txt').read_text().strip()}"
    command = ["java", "-cp", classpath, "example.consumer.Main"]
    return Consumer("java", command, project, dict(os.environ))


BUILDERS: dict[str, Callable[[Path], Consumer]] = {
    "python": python_consumer,
    "go": go_consumer,
    "node": node_consumer,
    "java": java_consumer,
}
