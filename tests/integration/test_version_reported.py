"""The server says which release it is: `--version`, the `serving` log line, roster_build_info."""

import json
import subprocess
import sys
from pathlib import Path

from roster_user.observability.metrics import Metrics
from roster_user.version import CONTRACT, VERSION
from tests.interop.server_process import ServerProcess

ROSTER_USER = Path(sys.executable).parent / "roster-user"


def test_the_version_flag_prints_the_release_and_exits_0() -> None:
    result = subprocess.run(
        [str(ROSTER_USER), "--version"], capture_output=True, text=True, check=False, timeout=60
    )
    assert (result.returncode, result.stdout.strip()) == (0, f"roster-user {VERSION}")


def test_the_build_info_metric_names_the_version_and_the_contract() -> None:
    labels = {"version": VERSION, "contract": CONTRACT}
    assert Metrics().registry.get_sample_value("roster_build_info", labels) == 1.0


def test_the_serving_log_line_carries_the_version(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path)
    server.start()
    try:
        records = [json.loads(line) for line in server.log_tail().splitlines() if line[:1] == "{"]
    finally:
        assert server.stop() == 0
    serving = [r for r in records if r.get("message") == "serving"]
    assert [r.get("version") for r in serving] == [VERSION]
