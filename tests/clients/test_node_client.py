"""Runs the TypeScript client's own test suite (unit tests and wire-fixture checks)."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_typescript_client_suite_passes() -> None:
    """`make test-node` compiles clients/node and runs node --test; it must exit 0."""
    result = subprocess.run(
        ["make", "--no-print-directory", "test-node"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"make test-node failed:\n{result.stdout}\n{result.stderr}"
