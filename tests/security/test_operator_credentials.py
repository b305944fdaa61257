"""`roster-user users` reaches a server with TLS and authentication through flags or the environment."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from roster_user.lifecycle.running import Running
from tests.security.conftest import Start, auth_settings
from tests.security.pki import Authority
from tests.security.tokens import Mint


async def users(*args: str, **env: str) -> tuple[int, str, str]:
    """Run `roster-user users ARGS` with extra environment variables."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "roster_user.cli", "users", *args,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 120)
    return process.returncode or 0, out.decode(), err.decode()


async def test_a_token_from_the_environment_or_a_file_is_sent(
    auth_server: Running, mint: Mint, tmp_path: Path
) -> None:
    address = auth_server.address
    code, _, err = await users("list", "--address", address)
    assert (code, err.split(":")[:2]) == (1, ["error", " UNAUTHENTICATED"])
    code, _, err = await users("list", "--address", address, ROSTER_TOKEN=mint.token())
    assert code == 0, err
    token_file = tmp_path / "token.jwt"
    token_file.write_text(mint.token(scope="users.read") + "\n")
    code, _, err = await users("list", "--address", address, "--token-file", str(token_file))
    assert code == 0, err


async def test_tls_is_used_when_a_ca_file_is_given(
    start: Start, authority: Authority, mint: Mint
) -> None:
    issued = authority.issue("server", server=True)
    running = await start(
        tls_cert_file=str(issued.cert_file),
        tls_key_file=str(issued.key_file),
        **auth_settings(mint),
    )
    token = mint.token()
    code, _, err = await users("list", "--address", running.address, "--token", token)
    assert code == 1
    assert "TLS handshake failed" in err
    code, _, err = await users(
        "list",
        "--address",
        running.address,
        "--token",
        token,
        ROSTER_CA_FILE=str(authority.ca_file),
    )
    assert code == 0, err
