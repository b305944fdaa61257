"""`make run` is the development profile: Ctrl-C in its terminal stops it at once with exit 0."""

from __future__ import annotations

import json
import os
import pty
import select
import time
from pathlib import Path

from tests.docs import session

DEADLINE_SECONDS = 120


def read_until(fd: int, done: str, seen: list[str]) -> str:
    """Read the terminal until a line contains `done` (or it closes); everything read."""
    give_up = time.monotonic() + DEADLINE_SECONDS
    while done not in "".join(seen):
        assert time.monotonic() < give_up, f"no {done!r} in time: {''.join(seen)[-2000:]}"
        ready, _, _ = select.select([fd], [], [], 1)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the terminal closed: everything has exited
            break
        if not chunk:
            break
        seen.append(chunk.decode(errors="replace"))
    return "".join(seen)


def log_entries(text: str) -> list[dict[str, object]]:
    entries = []
    for line in text.replace("\r", "").splitlines():
        if line.startswith("{"):
            entries.append(json.loads(line))
    return entries


def test_ctrl_c_in_the_terminal_stops_make_run_with_exit_0_and_no_drain(tmp_path: Path) -> None:
    workdir = session.mirror(tmp_path / "repo")
    env = {
        **os.environ,
        "ROSTER_LISTEN_ADDRESS": "127.0.0.1:0",
        "ROSTER_METRICS_ADDRESS": "127.0.0.1:0",
    }
    pid, fd = pty.fork()  # the child is a session leader with the terminal as its own
    if pid == 0:
        os.chdir(workdir)
        os.execvpe("make", ["make", "--no-print-directory", "run"], env)  # noqa: S606
    seen: list[str] = []
    try:
        read_until(fd, '"message": "serving"', seen)
        os.write(fd, b"\x03")  # what Ctrl-C types: the terminal sends SIGINT to its foreground job
        text = read_until(fd, "shutdown: complete", seen)
        read_until(fd, "\x00never\x00", seen)  # until the terminal closes
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, text[-2000:]
    assert "Interrupt" not in "".join(seen)
    drains = [e for e in log_entries(text) if e.get("message") == "shutdown: draining"]
    assert [entry.get("seconds") for entry in drains] == [0.0], drains
