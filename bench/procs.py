"""Server processes for the benchmark: start, wait until serving, measure CPU and memory, stop."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def tree(pid: int) -> list[int]:
    """`pid` and every descendant (worker processes included)."""
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        todo += _children(current)
    return pids


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of the processes, from /proc/PID/stat."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command's closing parenthesis, utime and stime are fields 12 and 13.
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def rss_mib(pids: list[int]) -> float:
    """Resident memory of the processes, from /proc/PID/status."""
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


class Server:
    """A benchmarked server process with its JSON log on a file."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path) -> None:
        self.name = name
        self.log = log
        self._stderr = log.open("w")
        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=self._stderr
        )
        self.address = ""

    def wait_serving(self, deadline_s: float = 60) -> str:
        """The address from the 'serving' log line, polling the log until the deadline."""
        give_up = time.monotonic() + deadline_s
        while time.monotonic() < give_up:
            for line in self.log.read_text().splitlines():
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if entry.get("message") == "serving":
                    self.address = str(entry["address"])
                    return self.address
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} is not serving: {self.log.read_text()[-2000:]}")

    def pids(self) -> list[int]:
        """The server's processes now."""
        return tree(self.process.pid)

    def cpu(self) -> float:
        """CPU seconds used so far by the server's processes."""
        return cpu_seconds(self.pids())

    def rss(self) -> float:
        """Resident MiB of the server's processes."""
        return rss_mib(self.pids())

    def park(self) -> None:
        """Stop the process (SIGSTOP) so its idle work takes no CPU from a measured neighbour."""
        self._signal_all(signal.SIGSTOP)

    def unpark(self) -> None:
        """Let a parked process run again (SIGCONT); harmless if it is not parked."""
        self._signal_all(signal.SIGCONT)

    def _signal_all(self, signum: signal.Signals) -> None:
        for pid in self.pids():
            try:
                os.kill(pid, signum)
            except ProcessLookupError:
                continue

    def stop(self, timeout_s: float = 60) -> int:
        """SIGTERM, wait, and return the exit code (killed after the timeout)."""
        self.unpark()  # a parked process would hold SIGTERM until continued
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self._stderr.close()
        return code
