"""A server built from a release's commit, run with today's virtualenv (the reverse direction).

The release's services/user and gen/python are extracted from git (`git archive` of the
commit in release.json) into build/compat/; only the Python dependencies come from
today's lock file, which is what a security update on an old release would also do.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.compat.released_clients import workspace
from tests.compat.releases import ROOT, Release
from tests.interop.server_process import ServerProcess

SERVER_PATHS = ("services/user", "gen/python")


class CommitMissing(Exception):
    """The release's commit is not in this clone's history (a shallow clone?)."""


def server_source(release: Release) -> Path:
    """The release commit's server and generated Python, extracted once; their root."""
    target = workspace(release) / f"server-{release.commit[:12]}"
    if target.exists():
        return target
    known = subprocess.run(
        ["git", "cat-file", "-e", f"{release.commit}^{{commit}}"], cwd=ROOT, check=False
    )
    if known.returncode != 0:
        raise CommitMissing(f"commit {release.commit} of {release.label} is not in history")
    partial = target.with_name(target.name + ".partial")
    partial.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", release.commit, *SERVER_PATHS],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(partial)], input=archive, check=True)
    partial.rename(target)
    return target


def release_server(release: Release, data_dir: Path) -> ServerProcess:
    """A ServerProcess running the release's roster_user, not today's."""
    source = server_source(release)
    path = os.pathsep.join(str(source / p) for p in ("services/user", "gen/python"))
    command = [sys.executable, "-m", "roster_user.cli", "serve"]
    return ServerProcess(
        data_dir, command, env={"PYTHONPATH": path, "PYTHONDONTWRITEBYTECODE": "1"}
    )
