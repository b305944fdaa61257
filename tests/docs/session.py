"""One document's run: a fresh `make run` in a temporary copy of the repository, its blocks in order.

The copy is a directory of symbolic links to the repository's top-level entries
(installs included) without `var/`, so `make run` there creates a fresh
database and anything a block writes stays in the temporary directory. The one
change made to a block's text is the server's address: `localhost:50051` (and the
metrics port 9464) become the port-0 addresses of this run's server, because
several test runs share a machine; `/path/to/roster` becomes the repository.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path
from typing import IO

from tests.docs.blocks import REPO

# Lines ending in `# fails: CODE` must fail with that gRPC code: the comment becomes
# a pipe into __fails, which prints the output and checks the code is named in it.
_FAILS = re.compile(r"\s+#\s*fails:\s*([A-Za-z_]+)\b.*$")
_PRELUDE = """\
set -e
__fails() {
  local want out
  want=$(printf '%s' "$1" | tr -d '_' | tr '[:upper:]' '[:lower:]')
  out=$(cat)
  printf '%s\\n' "$out"
  if [[ "$(printf '%s' "$out" | tr -d '_ ' | tr '[:upper:]' '[:lower:]')" != *"code:$want"* ]] \\
     && [[ "$(printf '%s' "$out" | tr -d '_ ' | tr '[:upper:]' '[:lower:]')" != *"error:$want"* ]]; then
    echo "doc-test: expected this command to fail with $1" >&2
    return 1
  fi
}
"""
SERVE_SECONDS = 120
BLOCK_SECONDS = 180


# What `make run` installs. The copy links to the repository's installs, so a stale
# one would be rebuilt through the links with the copy's paths baked in (a virtualenv
# whose scripts then point into a deleted temporary directory): they must be current.
_INSTALLS = (".venv/.installed", "tools/node_modules/.installed", ".tools/bin/grpcurl")


def mirror(into: Path) -> Path:
    """A directory that looks like the repository (links to its entries), minus var/."""
    current = subprocess.run(["make", "-q", *_INSTALLS], cwd=REPO, check=False)
    assert current.returncode == 0, "installs are stale: run `make setup` before the doc tests"
    into.mkdir(parents=True)
    for entry in REPO.iterdir():
        if entry.name not in {".git", "var"}:
            (into / entry.name).symlink_to(entry)
    return into


def shell_script(text: str) -> str:
    """The block as bash runs it: stop at the first failure, `# fails:` lines inverted."""
    lines = [_FAILS.sub(r" 2>&1 | __fails \1", line) for line in text.splitlines()]
    return _PRELUDE + "\n".join(lines) + "\n"


class Server:
    """`make run` started in the background in `workdir`, and the addresses it serves."""

    def __init__(self, workdir: Path, log: Path) -> None:
        env = {
            **os.environ,
            "ROSTER_LISTEN_ADDRESS": "127.0.0.1:0",
            "ROSTER_METRICS_ADDRESS": "127.0.0.1:0",
        }
        self._log: IO[bytes] = log.open("wb")
        self.process = subprocess.Popen(
            ["make", "--no-print-directory", "run"],
            cwd=workdir,
            env=env,
            stdout=self._log,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self.serving = self._wait_for_serving()

    def _wait_for_serving(self) -> dict[str, object]:
        assert self.process.stderr is not None
        deadline = time.monotonic() + SERVE_SECONDS
        for raw in self.process.stderr:
            self._log.write(raw)
            if time.monotonic() > deadline:
                break
            try:
                entry = json.loads(raw)
            except json.JSONDecodeError:
                continue
            if entry.get("message") == "serving":
                return dict(entry)
        self.stop()
        raise AssertionError(f"make run never logged 'serving' (see {self._log.name})")

    def stop(self) -> None:
        """SIGINT to the whole job, as Ctrl-C would; then wait for it."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


def substitute(text: str, serving: dict[str, object]) -> str:
    """The block's text with this run's addresses and repository path."""
    text = text.replace("localhost:50051", str(serving["address"]))
    metrics = str(serving.get("metrics_address") or "")
    if metrics:
        text = text.replace("localhost:9464", metrics)
    return text.replace("/path/to/roster", str(REPO))


def block_environment(serving: dict[str, object]) -> dict[str, str]:
    """The environment blocks run in: ours, with ROSTER_ADDRESS naming this run's server."""
    return {**os.environ, "ROSTER_ADDRESS": str(serving["address"])}


def run_shell(text: str, workdir: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a shell block to completion in `workdir`."""
    return subprocess.run(
        ["bash", "-c", shell_script(text)],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=BLOCK_SECONDS,
        check=False,
    )


def start_background(
    text: str, workdir: Path, env: dict[str, str], output: Path
) -> subprocess.Popen[bytes]:
    """Start a block meant for a second terminal; its output goes to `output`."""
    with output.open("wb") as sink:
        return subprocess.Popen(
            ["bash", "-c", shell_script(text)],
            cwd=workdir,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_background(process: subprocess.Popen[bytes]) -> None:
    """Ctrl-C for a background block, as in its terminal."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
