"""The Python client names a failed TLS handshake as such, instead of a bare UNAVAILABLE."""

from __future__ import annotations

from pathlib import Path

import pytest

from roster_client import TlsConfig, TlsHandshakeError, UnavailableError, UserClient
from roster_user.lifecycle import shutdown
from roster_user.lifecycle.running import Running
from tests.security.conftest import Start
from tests.security.pki import Authority


async def tls_server(start: Start, authority: Authority) -> Running:
    issued = authority.issue("server", server=True)
    return await start(tls_cert_file=str(issued.cert_file), tls_key_file=str(issued.key_file))


async def failure(client: UserClient) -> UnavailableError:
    async with client:
        with pytest.raises(UnavailableError) as raised:
            await client.get_user("users/anyone")
    return raised.value


async def test_a_plaintext_client_of_a_tls_server_is_told_to_use_tls(
    start: Start, authority: Authority
) -> None:
    running = await tls_server(start, authority)
    error = await failure(UserClient(running.address))
    assert isinstance(error, TlsHandshakeError)
    assert "TLS" in error.message
    assert "tls=TlsConfig" in error.message


async def test_a_tls_client_of_a_plaintext_server_is_told_the_server_does_not_speak_tls(
    start: Start, authority: Authority
) -> None:
    running = await start()
    error = await failure(UserClient(running.address, tls=TlsConfig(ca_file=authority.ca_file)))
    assert isinstance(error, TlsHandshakeError)
    assert "does not speak TLS" in error.message


async def test_an_untrusted_certificate_and_a_wrong_host_name_are_told_apart(
    start: Start, authority: Authority, tmp_path: Path
) -> None:
    running = await tls_server(start, authority)
    stranger = Authority(tmp_path, "stranger")
    untrusted = await failure(UserClient(running.address, tls=TlsConfig(ca_file=stranger.ca_file)))
    assert "not signed by the trusted CA" in untrusted.message
    renamed = TlsConfig(ca_file=authority.ca_file, server_name="users.other.example")
    wrong_name = await failure(UserClient(running.address, tls=renamed))
    assert "not for this host name" in wrong_name.message


async def test_an_outage_stays_a_plain_unavailable(start: Start) -> None:
    running = await start()
    address = running.address
    await shutdown.drain(running)
    error = await failure(UserClient(address, timeout=5))
    assert not isinstance(error, TlsHandshakeError)
