"""Settings: defaults, environment, flags, and one clear line for a bad value."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from roster_user.config import Settings, SettingsError, declared, describe, markdown_table


def test_defaults_match_the_documented_ones() -> None:
    settings = Settings.load({})
    assert settings.listen_address == "localhost:50051"
    assert settings.database_url == "sqlite:///./var/roster.db"
    assert settings.reflection is True


def test_flags_override_the_environment() -> None:
    settings = Settings.load({"ROSTER_DRAIN_SECONDS": "3"}, ["--drain-seconds", "7"])
    assert settings.drain_seconds == 7.0
    assert Settings.load({"ROSTER_REFLECTION": "off"}).reflection is False


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ROSTER_LISTEN_ADDRESS", "nowhere"),
        ("ROSTER_DATABASE_URL", "mysql://x"),
        ("ROSTER_DRAIN_SECONDS", "-1"),
        ("ROSTER_REFLECTION", "maybe"),
        ("ROSTER_LOG_LEVEL", "LOUD"),
        ("ROSTER_MAX_MESSAGE_BYTES", "0"),
    ],
)
def test_a_bad_value_names_its_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        Settings.load({variable: value})


def test_the_process_stops_with_one_line_naming_the_variable() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "roster_user.cli", "serve"],
        env={"ROSTER_SHUTDOWN_GRACE_SECONDS": "soon", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "ROSTER_SHUTDOWN_GRACE_SECONDS" in lines[0]


def test_every_setting_is_described_with_variable_flag_default_and_meaning() -> None:
    rows = describe()
    # Every field but `tracing` (the standard OTEL_* variables) is a ROSTER_* setting.
    assert len(rows) == len(declared()) == len(Settings.__dataclass_fields__) - 1
    for variable, flag, default, meaning in rows:
        assert variable.startswith("ROSTER_")
        assert flag.startswith("--")
        assert meaning
        assert default is not None


def test_the_readme_documents_every_setting_as_the_code_declares_it() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert markdown_table() in readme, "README settings table is stale: run `make readme`"
