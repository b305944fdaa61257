"""Run a command as the terminal's foreground job, so Ctrl-C reaches it and not make.

`make run` is a make recipe: on Ctrl-C the terminal sends SIGINT to make as well as
to the server, and make then ends with 130 whatever the server did. Here the server
runs in a process group of its own that is handed the terminal, so only the server
gets Ctrl-C; it drains and exits 0, and so does make. Without a terminal (scripts,
tests, CI) or in a background job the command is simply executed in place.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys


def _terminal_we_own() -> int | None:
    """The controlling terminal when our process group is its foreground job."""
    try:
        tty = os.open("/dev/tty", os.O_RDWR)
    except OSError:
        return None
    if os.tcgetpgrp(tty) != os.getpgrp():
        os.close(tty)
        return None
    return tty


def _hand_terminal(tty: int, group: int) -> None:
    # A process not in the foreground gets SIGTTOU when it changes the foreground.
    previous = signal.signal(signal.SIGTTOU, signal.SIG_IGN)
    try:
        with contextlib.suppress(OSError):
            os.tcsetpgrp(tty, group)
    finally:
        signal.signal(signal.SIGTTOU, previous)


def main(command: list[str]) -> int:
    """Run `command` in the foreground; its exit code (128+N when killed by signal N)."""
    tty = _terminal_we_own()
    if tty is None:
        os.execvp(command[0], command)  # noqa: S606 (the command is make run's own)
    ours = os.getpgrp()
    child = os.fork()
    if child == 0:
        os.setpgid(0, 0)
        _hand_terminal(tty, os.getpid())
        os.execvp(command[0], command)  # noqa: S606 (the command is make run's own)
    # Both sides set the group and the terminal, so neither depends on who runs first.
    with contextlib.suppress(OSError):
        os.setpgid(child, child)
    _hand_terminal(tty, child)
    _, status = os.waitpid(child, 0)
    _hand_terminal(tty, ours)
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
