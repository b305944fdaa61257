"""Freeze the current release under compat/<contract>/<version>/ (the body of `make release`).

Everything is taken from the committed tree (HEAD), so the release is exactly a commit:
the contract image (`buf build -o`, imports included), the wire fixtures, the generated
code of every language, every client and the Python interop scenario, the conversation
recorded against a server built from this tree, release.json and SHA256SUMS. Nothing
under a frozen release is edited afterwards (tests/compat/integrity.py checks it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from roster_user.version import CONTRACT, VERSION
from tests.compat import conversation
from tests.compat.releases import (
    COMPAT,
    CONVERSATION_FILE,
    IMAGE_FILE,
    RELEASE_FILE,
    ROOT,
    SUMS_FILE,
    WIRE_DIR,
)
from tests.interop.server_process import ServerProcess

# Committed paths copied into the release, keeping their place in the repository, so
# relative references (go.mod's replace, tsconfig's include, the pom's gen/java) still hold.
FROZEN_PATHS = (
    "gen/python",
    "gen/go",
    "gen/node",
    "gen/java",
    "clients/python",
    "clients/go",
    "clients/node",
    "clients/java",
    "tests/__init__.py",
    "tests/interop/__init__.py",
    "tests/interop/python_scenario.py",
    "tests/interop/scenario_steps.py",
)
WIRE_SOURCE = "tests/fixtures/wire"


class ReleaseRefused(Exception):
    """The tree is not in a state a release can be frozen from."""


def git(*args: str) -> str:
    """Run git in the repository and return its stdout."""
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def check_ready(target: Path) -> str:
    """Refuse a dirty tree, an existing release or a missing changelog entry; return HEAD."""
    # Untracked files count under proto/: buf would build them into the image.
    if (
        git("status", "--porcelain", "--untracked-files=no").strip()
        or git("status", "--porcelain", "--", "proto").strip()
    ):
        raise ReleaseRefused("commit or stash your changes first: a release is a commit")
    if target.exists():
        raise ReleaseRefused(f"{target.relative_to(ROOT)} exists: a release is frozen once")
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    if not re.search(rf"^## \[{re.escape(VERSION)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.M):
        raise ReleaseRefused(f"CHANGELOG.md has no '## [{VERSION}] - YYYY-MM-DD' section")
    return git("rev-parse", "HEAD").strip()


def copy_committed(commit: str, paths: tuple[str, ...], target: Path) -> None:
    """Extract `paths` as committed in `commit` into target, at their repository paths."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, *paths],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)


def copy_wire(commit: str, target: Path) -> None:
    """The fixtures (binary, JSON, manifest, README) without the generator's Python."""
    with tempfile.TemporaryDirectory() as scratch:
        copy_committed(commit, (WIRE_SOURCE,), Path(scratch))
        source = Path(scratch) / WIRE_SOURCE
        (target / WIRE_DIR).mkdir()
        for file in sorted(source.iterdir()):
            if file.suffix in (".binpb", ".json", ".md"):
                (target / WIRE_DIR / file.name).write_bytes(file.read_bytes())


def build_image(buf: str, target: Path) -> None:
    """The contract as a binary image with every import (google/api, google/protobuf)."""
    subprocess.run([buf, "build", "-o", str(target / IMAGE_FILE)], cwd=ROOT, check=True)


def record_conversation(target: Path) -> None:
    """Run the conversation against a server of this tree; write the normalised answers."""
    with tempfile.TemporaryDirectory(prefix="roster-release-") as data:
        server = ServerProcess(Path(data))
        address = server.start()
        try:
            answers = conversation.run(address, target / IMAGE_FILE, conversation.STEPS)
        finally:
            server.stop()
    text = json.dumps(answers, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    (target / CONVERSATION_FILE).write_text(text, encoding="utf-8")


def write_sums(target: Path) -> None:
    """SHA256SUMS over every file of the release, written last."""
    lines = [
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.relative_to(target).as_posix()}"
        for path in sorted(target.rglob("*"))
        if path.is_file() and path != target / SUMS_FILE
    ]
    (target / SUMS_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")


def freeze(buf: str) -> Path:
    """Write compat/<contract>/<version>/ from HEAD; return its path."""
    target = COMPAT / CONTRACT / VERSION
    commit = check_ready(target)
    target.mkdir(parents=True)
    build_image(buf, target)
    copy_wire(commit, target)
    copy_committed(commit, FROZEN_PATHS, target)
    record_conversation(target)
    release = {
        "contract": CONTRACT,
        "version": VERSION,
        "commit": commit,
        "frozen": datetime.now(UTC).strftime("%Y-%m-%d"),
    }
    (target / RELEASE_FILE).write_text(json.dumps(release, indent=2) + "\n", encoding="utf-8")
    write_sums(target)
    return target


def main() -> int:
    """Freeze the release roster_user.version names, or say why not."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--buf", required=True, help="the pinned buf executable")
    args = parser.parse_args()
    try:
        target = freeze(args.buf)
    except ReleaseRefused as refusal:
        sys.stderr.write(f"release: {refusal}\n")
        return 2
    sys.stdout.write(f"froze {CONTRACT} {VERSION} in {target.relative_to(ROOT)}; commit it\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
