"""Every client of INTEROP_CLIENTS passes the interop scenario against one real server."""

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.interop.server_process import ServerProcess

ROOT = Path(__file__).resolve().parents[2]


def interop_clients() -> list[str]:
    """Return the languages the make fragments list in INTEROP_CLIENTS."""
    command = ["make", "-s", "--no-print-directory", "print-INTEROP_CLIENTS"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout.split()


@pytest.fixture(scope="module")
def server_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve one fresh server for the whole module and check it exits 0 on SIGTERM."""
    server = ServerProcess(tmp_path_factory.mktemp("interop"))
    address = server.start()
    yield address
    code = server.stop()
    assert code == 0, f"server exited {code} after SIGTERM:\n{server.log_tail()}"


@pytest.mark.slow
@pytest.mark.parametrize("language", interop_clients())
def test_the_client_passes_the_interop_scenario(language: str, server_address: str) -> None:
    """`make interop-<language>` runs the scenario against the server and exits 0."""
    env = os.environ | {"ROSTER_ADDRESS": server_address}
    command = ["make", "--no-print-directory", f"interop-{language}"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{language} failed:\n{done.stdout}\n{done.stderr}"
