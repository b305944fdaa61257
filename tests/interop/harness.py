"""Run every language's interop scenario against one fresh server (the body of `make interop`)."""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.interop.scenario_steps import say
from tests.interop.server_process import ServerFailed, ServerProcess

ROOT = Path(__file__).resolve().parents[2]


def run_client(language: str, address: str) -> int:
    """Run `make interop-<language>` against address; its output goes straight through."""
    command = ["make", "--no-print-directory", f"interop-{language}"]
    env = os.environ | {"ROSTER_ADDRESS": address}
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


def run_all(languages: list[str], data_dir: Path) -> int:
    """Start a server, run each language in turn, stop the server; return the exit code."""
    server = ServerProcess(data_dir)
    try:
        address = server.start()
    except ServerFailed as failure:
        say(f"server: failed to start: {failure}")
        return 1
    failed = 0
    try:
        for language in languages:
            code = run_client(language, address)
            failed += code != 0
            say(f"{language}: passed" if code == 0 else f"{language}: failed (exit {code})")
    finally:
        stopped = server.stop()
    if stopped != 0:
        say(f"server: exited {stopped} after SIGTERM, want 0\n{server.log_tail()}")
    say(f"{len(languages) - failed} passed, {failed} failed")
    return 1 if failed or stopped != 0 else 0


def main() -> int:
    """Parse the languages to run (INTEROP_CLIENTS) and run them."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("languages", nargs="+", help="e.g. python grpcurl bufcurl go")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="roster-interop-") as data_dir:
        return run_all(list(args.languages), Path(data_dir))


if __name__ == "__main__":
    sys.exit(main())
