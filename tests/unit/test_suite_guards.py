"""The suite's own guards: a hung test fails with its stack, an empty case list is an error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_pytest(tmp_path: Path, source: str, *options: str) -> subprocess.CompletedProcess[str]:
    """Run pytest with this project's configuration on one test file written to tmp_path."""
    test_file = tmp_path / "test_guarded.py"
    test_file.write_text(source, encoding="utf-8")
    command = [sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml")]
    command += ["--rootdir", str(tmp_path), "-p", "no:cacheprovider", *options, str(test_file)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=tmp_path)


def test_a_hung_test_fails_with_its_stack_instead_of_stalling(tmp_path: Path) -> None:
    source = "import asyncio\n\nasync def test_waits_forever():\n    await asyncio.Event().wait()\n"
    # The configured default is minutes; the same mechanism with a short limit.
    done = run_pytest(tmp_path, source, "-o", "timeout=2")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Timeout" in done.stdout
    assert "test_waits_forever" in done.stdout
    assert "1 failed" in done.stdout


def test_the_configured_default_timeout_applies_to_every_test(tmp_path: Path) -> None:
    done = run_pytest(tmp_path, "def test_nothing():\n    pass\n", "--collect-only", "-v")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "timeout: 180.0s" in done.stdout + done.stderr


def test_an_empty_parameter_list_is_an_error_not_a_skip(tmp_path: Path) -> None:
    source = (
        "import pytest\n\n@pytest.mark.parametrize('case', [])\ndef test_each(case):\n    pass\n"
    )
    done = run_pytest(tmp_path, source)
    assert done.returncode != 0
    assert "skipped" not in done.stdout
    assert "Empty parameter set" in done.stdout
