"""The Python client's channel options reach its channel and can replace its defaults."""

from __future__ import annotations

import json
from typing import Any

import grpc
import pytest

from roster_client import UserClient
from roster_client.client import SERVICE
from roster_client.errors import ResourceExhaustedError, UnavailableError
from roster_user.lifecycle.running import Running
from tests.conftest import a_user

Context = grpc.aio.ServicerContext[Any, Any]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_channel_option_applies_to_every_call(server: Running) -> None:
    async with UserClient(server.address) as users:
        created = await users.create_user(a_user(1))
    # A receive limit below one user's size: the channel refuses the reply.
    async with UserClient(
        server.address, channel_options=[("grpc.max_receive_message_length", 16)]
    ) as small:
        with pytest.raises(ResourceExhaustedError):
            await small.get_user(created.name)


async def attempts_for_one_get(channel_options: list[tuple[str, object]]) -> int:
    """How many attempts one get_user makes against a server that always answers UNAVAILABLE."""
    attempts = 0

    async def get_user(request: bytes, context: Context) -> bytes:
        nonlocal attempts
        attempts += 1
        await context.abort(grpc.StatusCode.UNAVAILABLE, "try again")
        raise AssertionError("abort returned")

    server = grpc.aio.server()
    server.add_generic_rpc_handlers(
        (
            grpc.method_handlers_generic_handler(
                SERVICE, {"GetUser": grpc.unary_unary_rpc_method_handler(get_user)}
            ),
        )
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        async with UserClient(
            f"127.0.0.1:{port}", timeout=10, channel_options=channel_options
        ) as users:
            with pytest.raises(UnavailableError):
                await users.get_user("users/ann")
    finally:
        await server.stop(None)
    return attempts


async def test_a_channel_option_named_like_a_default_replaces_it() -> None:
    # The default policy retries UNAVAILABLE (five attempts in all); a service
    # config without a retry policy, given by the caller, makes it one.
    no_retries = json.dumps({"methodConfig": [{"name": [{"service": SERVICE}]}]})
    assert await attempts_for_one_get([]) == 5
    assert await attempts_for_one_get([("grpc.service_config", no_retries)]) == 1
