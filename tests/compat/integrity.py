"""Frozen releases stay as they were frozen (`make check-compat`, part of `make lint`).

Each release's files must match its SHA256SUMS, and SHA256SUMS itself must never have been
changed or removed since the commit that added it (git history), so an edit cannot be
hidden by re-summing. Only compat/exceptions.json can excuse a file, by its path and new
checksum, with a reason.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from tests.compat.releases import COMPAT, ROOT, SUMS_FILE, Release, exceptions, releases


def file_problems(release: Release, excused: dict[str, str]) -> list[str]:
    """Files that differ from SHA256SUMS, are missing, or were added, unless excused."""
    listed: dict[str, str] = {}
    for line in (release.directory / SUMS_FILE).read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    present = {
        path.relative_to(release.directory).as_posix(): path
        for path in release.directory.rglob("*")
        if path.is_file()
    }
    present.pop(SUMS_FILE, None)
    where = f"{release.contract}/{release.version}"
    problems = []
    for name in sorted(set(listed) | set(present)):
        actual = sha256(present[name]) if name in present else "missing"
        if actual == listed.get(name) or f"{where}/{name} {actual}" in excused:
            continue
        state = "added" if name not in listed else "removed" if actual == "missing" else "changed"
        problems.append(f"{where}/{name}: {state} (sha256 {actual})")
    return problems


def sha256(path: Path) -> str:
    """The hex SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def git_lines(*args: str) -> list[str]:
    """Run git in the repository; its stdout lines."""
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout.split()


def history_problems(root: Path = COMPAT) -> list[str]:
    """Commits that changed or removed a SHA256SUMS after it was added, and uncommitted edits."""
    if git_lines("rev-parse", "--is-shallow-repository") == ["true"]:
        return []  # a shallow clone has no history to read; the checksums still hold
    pattern = f"{root.relative_to(ROOT).as_posix()}/*/*/{SUMS_FILE}"
    rewritten = git_lines("log", "--format=%h", "--diff-filter=MDR", "--", pattern)
    dirty = git_lines("diff", "--name-only", "HEAD", "--", pattern)
    return [f"commit {commit} changes or removes a frozen {SUMS_FILE}" for commit in rewritten] + [
        f"{path}: uncommitted change to a frozen {SUMS_FILE}" for path in dirty
    ]


def main() -> int:
    """Print every problem; exit 1 if there is one."""
    excused = exceptions("frozen_files")
    found = releases()
    problems = history_problems() + [p for r in found for p in file_problems(r, excused)]
    for problem in problems:
        sys.stderr.write(f"check-compat: {problem}\n")
    if problems:
        sys.stderr.write("check-compat: frozen releases are never edited (compat/README.md)\n")
        return 1
    sys.stdout.write(f"check-compat: {len(found)} frozen release(s) unchanged\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
