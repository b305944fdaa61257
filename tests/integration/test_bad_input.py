"""Malformed, oversized and odd requests get documented errors; the server stays healthy."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from roster.user.v1 import user_service_pb2
from roster_client import InvalidArgumentError, RosterError, UserClient
from roster_user.config import Settings
from roster_user.lifecycle import shutdown
from roster_user.lifecycle.running import Running
from roster_user.server import build_server
from tests.conftest import a_user, with_settings
from tests.support.errors import assert_clean, assert_error
from tests.support.health_probe import SERVING, status

SERVICE = "/roster.user.v1.UserService/"
UNARY = [
    "GetUser",
    "BatchGetUsers",
    "ListUsers",
    "CreateUser",
    "UpdateUser",
    "DeleteUser",
    "UndeleteUser",
]
METHODS = [*UNARY, "WatchUsers"]
# None is a valid encoding of any request: a truncated varint, a length past
# the end, and an undefined wire type.
UNDECODABLE = [b"\x08", b"\x0a\x05ab", b"\x0f"]
SURROGATE = b"\x03\xed\xa0\x80"  # a length-3 string holding a UTF-16 surrogate: invalid UTF-8
# A string field of each request (WatchUsersRequest has none) set to SURROGATE.
INVALID_UTF8 = {
    "GetUser": b"\x0a" + SURROGATE,
    "BatchGetUsers": b"\x0a" + SURROGATE,
    "ListUsers": b"\x12" + SURROGATE,
    "CreateUser": b"\x12" + SURROGATE,
    "UpdateUser": b"\x0a\x05\x0a" + SURROGATE,
    "DeleteUser": b"\x0a" + SURROGATE,
    "UndeleteUser": b"\x0a" + SURROGATE,
}
# An empty request is valid for these and fails validation for the rest.
EMPTY_OK = {"ListUsers", "WatchUsers"}


@pytest.fixture
async def channel(server: Running) -> AsyncIterator[grpc.aio.Channel]:
    """A raw channel that sends bytes as they are."""
    async with grpc.aio.insecure_channel(server.address) as raw:
        yield raw


async def send_raw(channel: grpc.aio.Channel, method: str, payload: bytes) -> bytes:
    """Send raw bytes to a method; return the first response's raw bytes."""
    if method == "WatchUsers":
        call: Any = channel.unary_stream(SERVICE + method)(payload, timeout=5)  # type: ignore[arg-type]
        async for first in call:
            call.cancel()
            return first  # type: ignore[no-any-return]
        return b""
    raw: Any = channel.unary_unary(SERVICE + method)
    return await raw(payload, timeout=5)  # type: ignore[no-any-return]


def details(error: grpc.aio.AioRpcError) -> tuple[str, list[str]]:
    """The ErrorInfo reason and the BadRequest field paths of a failed raw call."""
    reason, fields = "", []
    status_proto = rpc_status.from_call(error)  # type: ignore[arg-type]
    assert status_proto is not None, "no google.rpc.Status in the trailers"
    for detail in status_proto.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            reason = info.reason
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            fields = [v.field for v in bad.field_violations]
    return reason, fields


CASES = [(method, payload) for method in METHODS for payload in UNDECODABLE] + list(
    INVALID_UTF8.items()
)


@pytest.mark.parametrize(("method", "payload"), CASES)
async def test_undecodable_bytes_are_invalid_argument_for_every_method(
    server: Running, channel: grpc.aio.Channel, method: str, payload: bytes
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await send_raw(channel, method, payload)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert details(caught.value) == ("ERROR_REASON_UNDECODABLE_REQUEST", ["request"])
    assert_clean(caught.value.details() or "")
    assert await status(server.address, "") == SERVING


async def test_an_empty_list_request_is_the_first_page_of_everyone(
    client: UserClient, channel: grpc.aio.Channel
) -> None:
    created = await client.create_user(a_user(1))
    raw = await send_raw(channel, "ListUsers", b"")
    page = user_service_pb2.ListUsersResponse.FromString(raw)
    assert [user.name for user in page.users] == [created.name]
    assert page.next_page_token == ""


async def test_an_empty_watch_request_starts_with_a_bookmark_from_now(
    server: Running, channel: grpc.aio.Channel
) -> None:
    first = user_service_pb2.WatchUsersResponse.FromString(
        await send_raw(channel, "WatchUsers", b"")
    )
    assert first.event_type == user_service_pb2.WatchUsersResponse.EVENT_TYPE_BOOKMARK
    assert (first.revision, first.HasField("user")) == (0, False)


@pytest.mark.parametrize("method", sorted(set(METHODS) - EMPTY_OK))
async def test_an_empty_request_names_the_missing_field(
    server: Running, channel: grpc.aio.Channel, method: str
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await send_raw(channel, method, b"")
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    reason, fields = details(caught.value)
    assert reason == "ERROR_REASON_INVALID_ARGUMENT" and fields
    assert_clean(caught.value.details() or "")


async def test_an_oversized_message_is_refused_and_the_server_keeps_serving(
    settings: Settings,
) -> None:
    running = await build_server(with_settings(settings, max_message_bytes=64 * 1024))
    try:
        async with UserClient(running.address) as client:
            with pytest.raises(RosterError) as caught:
                await client.create_user(a_user(1, display_name="x" * 100_000))
            assert caught.value.code == grpc.StatusCode.RESOURCE_EXHAUSTED
            assert (await client.create_user(a_user(2))).name
        assert await status(running.address, "") == SERVING
    finally:
        await shutdown.drain(running)


@pytest.mark.parametrize(
    "display_name",
    ["😀👩‍👩‍👧‍👦", "e\u0301\u0301", "مرحبا بالعالم", "\u200b\u2060zero width", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢" * 20],
)
async def test_unicode_edge_cases_round_trip_exactly(client: UserClient, display_name: str) -> None:
    created = await client.create_user(
        a_user(1, display_name=display_name, labels={"k": display_name[:20]})
    )
    fetched = await client.get_user(created.name)
    assert fetched.display_name == display_name and fetched.labels["k"] == display_name[:20]
    page = await client.list_users(filter=f'display_name = "{display_name[:3]}*"')
    assert [user.name for user in page.users] == [created.name]


@pytest.mark.parametrize("display_name", ["bell\x07", "nul\x00byte", "line\x85break"])
async def test_control_characters_are_invalid(client: UserClient, display_name: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        await client.create_user(a_user(1, display_name=display_name))
    assert_error(
        caught.value,
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
        field="user.display_name",
    )


async def test_a_unicode_email_is_accepted_and_unique_ignoring_case(client: UserClient) -> None:
    await client.create_user(a_user(email="Ünïcødé@Example.com"))
    with pytest.raises(RosterError) as caught:
        await client.create_user(a_user(email="üNÏCØDÉ@example.COM"))
    assert caught.value.code == grpc.StatusCode.ALREADY_EXISTS


async def test_quotes_and_sql_in_values_are_data_not_code(client: UserClient) -> None:
    nasty = "Robert'); DROP TABLE users;--"
    created = await client.create_user(a_user(1, display_name=nasty, labels={"q": '"quoted"'}))
    page = await client.list_users(filter='labels.q = "\\"quoted\\""')
    assert [user.name for user in page.users] == [created.name]
    assert (await client.get_user(created.name)).display_name == nasty


async def test_huge_but_allowed_values_are_bounded_by_validation(client: UserClient) -> None:
    labels = {f"k{n}": "v" * 63 for n in range(65)}
    with pytest.raises(InvalidArgumentError) as caught:
        await client.create_user(a_user(1, labels=labels))
    assert_error(
        caught.value, grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT", field="user.labels"
    )
    at_limit = dict(list(labels.items())[:64])
    ok = await client.create_user(a_user(2, labels=at_limit))
    assert dict(ok.labels) == at_limit
    assert dict((await client.get_user(ok.name)).labels) == at_limit
