"""The Go client's own suite (go test, wire fixtures included) as part of the one pytest run."""

import shutil
import subprocess
from pathlib import Path

import pytest

GO_CLIENT = Path(__file__).resolve().parents[2] / "clients" / "go"
# A fresh machine downloads and compiles grpc-go on the first run.
GO_TIMEOUT_SECONDS = 900


@pytest.mark.slow
def test_the_go_client_test_suite_passes_including_the_wire_fixtures() -> None:
    """`go test ./...` in clients/go exits 0 and the wire-fixture check ran rather than skipped."""
    go = shutil.which("go")
    assert go is not None, "the Go toolchain is not on PATH"
    result = subprocess.run(
        [go, "test", "-v", "./..."],
        cwd=GO_CLIENT,
        capture_output=True,
        text=True,
        timeout=GO_TIMEOUT_SECONDS,
        check=False,
    )
    output = f"{result.stdout}\n{result.stderr}"
    assert result.returncode == 0, f"go test failed:\n{output}"
    # The check skips itself without a manifest; here the fixtures are committed, so it must run.
    assert "--- PASS: TestEveryWireFixtureDecodesAndReencodesIdentically" in result.stdout, output
    assert "--- PASS: TestEveryV2WireFixtureDecodesAndReencodesIdentically" in result.stdout, output
