"""Runs the Go client's own test suite (wire fixtures included) with the real Go toolchain."""

import shutil
import subprocess
from pathlib import Path

GO_CLIENT = Path(__file__).resolve().parents[2] / "clients" / "go"


def test_the_go_client_test_suite_passes() -> None:
    """`go test ./...` in clients/go exits 0."""
    go = shutil.which("go")
    assert go is not None, "the Go toolchain is not on PATH"
    # Generous ceiling only so a hung build cannot stall CI forever.
    result = subprocess.run(
        [go, "test", "./..."],
        cwd=GO_CLIENT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, f"go test failed:\n{result.stdout}\n{result.stderr}"
