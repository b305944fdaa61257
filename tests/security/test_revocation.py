"""Revocation through the key set: removing a key stops its tokens, open streams included."""

from __future__ import annotations

import json

import grpc
import pytest

from roster.user.v1 import user_service_pb2 as pb
from roster.user.v1 import user_service_pb2_grpc
from roster_client import UnauthenticatedError, UserClient
from roster_client.errors import from_rpc_error
from roster_user.pipeline.auth import REVOKED
from tests.observability.scraping import scrape, value
from tests.support.errors import assert_error

from .conftest import Errors, Start, auth_settings, bearer
from .tokens import Mint


async def test_emptying_the_key_set_refuses_tokens_that_were_accepted(
    start: Start, mint: Mint
) -> None:
    running = await start(**auth_settings(mint, metrics_address="127.0.0.1:0"))
    async with UserClient(running.address, token=mint.token()) as users:
        assert (await users.list_users()).users == []
        mint.jwks_file.write_text(json.dumps({"keys": []}))
        with pytest.raises(UnauthenticatedError) as refused:
            await users.list_users()
    assert_error(refused.value, grpc.StatusCode.UNAUTHENTICATED, "UNAUTHENTICATED")
    page = await scrape(running.metrics_address)
    assert value(page, "roster_jwks_keys") == 0
    assert value(page, "roster_jwks_state", state="empty") == 1


async def test_a_deleted_key_set_fails_closed_after_the_stale_bound(
    start: Start, mint: Mint
) -> None:
    running = await start(**auth_settings(mint, auth_jwks_max_stale_seconds=0))
    async with UserClient(running.address, token=mint.token()) as users:
        assert (await users.list_users()).users == []
        mint.jwks_file.unlink()
        with pytest.raises(UnauthenticatedError) as refused:
            await users.list_users()
    assert_error(refused.value, grpc.StatusCode.UNAUTHENTICATED, "UNAUTHENTICATED")


async def test_a_deleted_key_set_keeps_the_previous_keys_within_the_stale_bound(
    start: Start, mint: Mint
) -> None:
    running = await start(**auth_settings(mint, auth_jwks_max_stale_seconds=3600))
    async with UserClient(running.address, token=mint.token()) as users:
        mint.jwks_file.unlink()
        assert (await users.list_users()).users == []


async def test_a_watch_stream_ends_unauthenticated_when_its_signing_key_is_removed(
    start: Start, mint: Mint, errors: Errors
) -> None:
    running = await start(**auth_settings(mint, auth_jwks_reload_seconds=0.2))
    token = mint.token(kid="ec-1", scope="users.read")
    async with grpc.aio.insecure_channel(running.address) as channel:
        stub = user_service_pb2_grpc.UserServiceStub(channel)
        call = stub.WatchUsers(pb.WatchUsersRequest(), metadata=bearer(token), timeout=30)
        assert isinstance(await call.read(), pb.WatchUsersResponse)
        del mint.keys["ec-1"]
        mint.publish()  # the RSA key stays: the set is valid, only this stream's key is gone
        error = await errors.expect(_drain(call))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert error.details() == REVOKED
    assert from_rpc_error(error).reason == "ERROR_REASON_UNAUTHENTICATED"


async def _drain(
    call: grpc.aio.UnaryStreamCall[pb.WatchUsersRequest, pb.WatchUsersResponse],
) -> None:
    while await call.read() is not grpc.aio.EOF:
        pass
