"""`make compat` as part of the one pytest run: every check of every frozen release passes."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TALLY = re.compile(r"^(\d+) passed, (\d+) failed$")
# A fresh machine builds each release's Go, TypeScript and Java clients once.
COMPAT_TIMEOUT = 1800


@pytest.mark.slow
def test_released_clients_today_s_server_and_the_reverse_all_pass() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tests.compat.run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=COMPAT_TIMEOUT,
        check=False,
    )
    output = f"{done.stdout}\n{done.stderr}"
    lines = done.stdout.strip().splitlines()
    tally = TALLY.match(lines[-1]) if lines else None
    assert tally is not None, f"no 'N passed, N failed' line:\n{output}"
    assert int(tally[1]) > 0 and tally[2] == "0", output
    assert done.returncode == 0, output
