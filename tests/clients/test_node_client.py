"""Runs the TypeScript client's own test suite (unit tests and wire-fixture checks)."""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The fixture check skips itself without a manifest; the fixtures are committed, so it must run.
FIXTURES_RAN = re.compile(
    r"^ok \d+ - the wire fixture manifest lists at least one case$", re.MULTILINE
)


@pytest.mark.slow
def test_the_typescript_client_suite_passes_including_the_wire_fixtures() -> None:
    """`make test-node` (tsc, then node --test) exits 0 and the wire-fixture check ran."""
    result = subprocess.run(
        ["make", "--no-print-directory", "test-node"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = f"{result.stdout}\n{result.stderr}"
    assert result.returncode == 0, f"make test-node failed:\n{output}"
    assert FIXTURES_RAN.search(result.stdout), f"the wire-fixture check did not run:\n{output}"
