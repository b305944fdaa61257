"""`roster-user users`: the operator's commands against a real server, as a person runs them."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from roster_user.config import Settings
from roster_user.lifecycle import shutdown
from roster_user.lifecycle.running import Running
from roster_user.server import build_server
from tests.conftest import with_settings


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: the commands are a client; the stores have their own suites."""
    return f"sqlite:///{tmp_path / 'roster.db'}"


async def users(server: Running, *args: str) -> tuple[int, str, str]:
    """Run `roster-user users ARGS` against `server`; exit code, stdout, stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "roster_user.cli", "users", *args,
        env={**os.environ, "ROSTER_ADDRESS": server.address},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 120)
    return process.returncode or 0, out.decode(), err.decode()


async def json_users(server: Running, *args: str) -> list[dict[str, object]]:
    code, out, err = await users(server, *args, "--output", "json")
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


CSV = "user_id,email,display_name,labels\nbo,bo@example.com,Bo,team=red\ncy,cy@example.com,Cy,team=red;role=admin\n"


async def test_create_get_suspend_delete_and_undelete_a_user(server: Running) -> None:
    created = await json_users(server, "create", "--email", "ann@example.com", "--id", "ann")
    assert created[0]["name"] == "users/ann"
    assert (await json_users(server, "suspend", "ann"))[0]["state"] == "STATE_SUSPENDED"
    assert (await json_users(server, "activate", "users/ann"))[0]["state"] == "STATE_ACTIVE"
    assert "deleteTime" in (await json_users(server, "delete", "ann"))[0]
    assert "deleteTime" not in (await json_users(server, "undelete", "ann"))[0]
    code, out, _ = await users(server, "get", "ann")
    assert code == 0
    assert out.splitlines()[0].split()[:2] == ["NAME", "EMAIL"]
    assert "users/ann" in out


async def test_a_failed_call_names_its_code_and_reason(server: Running) -> None:
    code, _, err = await users(server, "get", "nobody")
    assert code == 1
    assert err.startswith("error: NOT_FOUND: ")
    assert "ERROR_REASON_USER_NOT_FOUND" in err


async def test_list_applies_the_filter_and_order_over_every_page(server: Running) -> None:
    for n in range(5):
        await users(
            server,
            "create",
            "--email",
            f"u{n}@example.com",
            "--display-name",
            f"U{4 - n}",
            "--label",
            f"n={n % 2}",
        )
    listed = await json_users(
        server,
        "list",
        "--filter",
        'labels.n = "0"',
        "--order-by",
        "display_name desc",
        "--page-size",
        "1",
    )
    assert [user["displayName"] for user in listed] == ["U4", "U2", "U0"]


async def test_import_creates_the_rows_and_a_rerun_skips_them(
    server: Running, tmp_path: Path
) -> None:
    file = write(tmp_path / "users.csv", CSV)
    code, out, err = await users(server, "import", str(file), "--batch-size", "1")
    assert (code, out) == (0, "created 2, skipped 0, failed 0\n"), err
    assert "2/2" in err  # the progress bar
    code, out, _ = await users(server, "import", str(file))
    assert (code, out) == (0, "created 0, skipped 2, failed 0\n")
    assert len(await json_users(server, "list")) == 2


async def test_a_bad_row_imports_nothing_unless_asked_to_continue(
    server: Running, tmp_path: Path
) -> None:
    file = write(tmp_path / "users.csv", CSV + "BAD ID,not-an-email,X,\n")
    code, out, err = await users(server, "import", str(file))
    assert (code, out) == (1, "created 0, skipped 0, failed 1\n")
    assert "line 4: user_id must be" in err
    assert await json_users(server, "list") == []
    code, out, _ = await users(server, "import", str(file), "--continue-on-error")
    assert (code, out) == (1, "created 2, skipped 0, failed 1\n")


async def test_a_row_that_conflicts_with_the_directory_imports_nothing(
    server: Running, tmp_path: Path
) -> None:
    await users(server, "create", "--email", "cy@example.com", "--id", "someone-else")
    code, _, err = await users(server, "import", str(write(tmp_path / "users.csv", CSV)))
    assert code == 1
    assert "line 3: the email is used by users/someone-else" in err
    assert len(await json_users(server, "list")) == 1


async def test_an_export_imports_into_another_server_as_the_same_users(
    server: Running, settings: Settings, tmp_path: Path
) -> None:
    await users(server, "import", str(write(tmp_path / "users.csv", CSV)))
    await users(server, "delete", "cy")
    code, exported, err = await users(server, "export", "--page-size", "1")
    assert code == 0, err
    assert len(exported.splitlines()) == 2  # deleted users too
    other = await build_server(
        with_settings(settings, database_url=f"sqlite:///{tmp_path / 'b.db'}")
    )
    try:
        code, out, err = await users(
            other, "import", str(write(tmp_path / "users.jsonl", exported))
        )
        assert (code, out) == (0, "created 2, skipped 0, failed 0\n"), err
        copied = {user["name"]: user["labels"] for user in await json_users(other, "list")}
        assert copied == {"users/bo": {"team": "red"}, "users/cy": {"team": "red", "role": "admin"}}
    finally:
        await shutdown.drain(other)


def test_bash_completion_offers_the_commands_and_their_flags() -> None:
    script = subprocess.run(
        [sys.executable, "-m", "roster_user.cli", "users", "completion", "bash"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip

    def complete(*words: str) -> list[str]:
        probe = f"{script}\nCOMP_WORDS=({' '.join(words)}); COMP_CWORD={len(words) - 1}; _roster_user; echo ${{COMPREPLY[@]}}"
        return subprocess.run(
            ["bash", "-c", probe], capture_output=True, text=True, check=True
        ).stdout.split()

    assert complete("roster-user", "us") == ["users"]
    assert complete("roster-user", "users", "im") == ["import"]
    assert "--continue-on-error" in complete("roster-user", "users", "import", "--c")
