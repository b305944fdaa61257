"""Cached encodings: no read returns a stale version after a write elsewhere; bytes as built."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest
from google.protobuf import field_mask_pb2
from google.protobuf.message import Message

from roster.user.v1 import user_pb2
from roster.user.v1 import user_service_pb2 as v1_pb
from roster.user.v2 import user_pb2 as v2_user_pb2
from roster.user.v2 import user_service_pb2 as v2_pb
from roster_client import UserClient
from roster_client.v2 import UserClientV2
from roster_user.config import Settings
from roster_user.lifecycle import shutdown
from roster_user.lifecycle.running import Running
from roster_user.server import build_server
from tests.conftest import a_user, with_settings
from tests.observability.scraping import scrape, value
from tests.support.processes import server_process

V1 = "/roster.user.v1.UserService/"
V2 = "/roster.user.v2.UserService/"
# What a read saw: enough to tell every version of a user apart.
Seen = tuple[str, str, str, bool]


@pytest.fixture
async def other(settings: Settings) -> AsyncIterator[Running]:
    """A second server over the same database: another store, another cache, no nudges."""
    running = await build_server(settings)
    try:
        yield running
    finally:
        await shutdown.drain(running)


def _seen(user: user_pb2.User | v2_user_pb2.User) -> Seen:
    return (user.uid, user.etag, user.display_name, user.HasField("delete_time"))


async def _every_read(address: str, name: str) -> list[Seen]:
    """The user as each cached read method returns it, under both contracts."""
    async with UserClient(address) as v1, UserClientV2(address) as v2:
        listed_v1 = (await v1.list_users(show_deleted=True)).users
        listed_v2 = (await v2.list_users(show_deleted=True)).users
        users: list[user_pb2.User | v2_user_pb2.User] = [
            await v1.get_user(name),
            await v2.get_user(name),
            *(await v1.batch_get_users([name])),
            *(await v2.batch_get_users([name])),
            *(user for user in listed_v1 if user.name == name),
            *(user for user in listed_v2 if user.name == name),
        ]
    return [_seen(user) for user in users]


async def test_no_read_returns_a_stale_version_after_writes_through_another_server(
    server: Running, other: Running
) -> None:
    async with UserClient(other.address) as writer:
        created = await writer.create_user(a_user(1, display_name="First"), user_id="ann")
        assert await _every_read(server.address, "users/ann") == [_seen(created)] * 6
        updated = await writer.update_user(
            user_pb2.User(name="users/ann", display_name="Second"), ["display_name"]
        )
        # The writer's answers come through its own cache: they must be new too.
        assert (updated.display_name, updated.uid) == ("Second", created.uid)
        assert updated.etag != created.etag
        assert await _every_read(server.address, "users/ann") == [_seen(updated)] * 6
        deleted = await writer.delete_user("users/ann")
        assert deleted.HasField("delete_time") and deleted.etag != updated.etag
        assert await _every_read(server.address, "users/ann") == [_seen(deleted)] * 6
        await writer.purge_user("users/ann")
        # The same name again, a new uid, version 1 once more: another key.
        again = await writer.create_user(a_user(2, display_name="First"), user_id="ann")
    assert again.uid != created.uid
    assert await _every_read(server.address, "users/ann") == [_seen(again)] * 6


async def test_no_read_returns_a_stale_version_after_a_write_by_another_process(
    tmp_path: Path,
) -> None:
    database = tmp_path / "roster.db"
    settings = Settings(
        listen_address="127.0.0.1:0", database_url=f"sqlite:///{database}", drain_seconds=0
    )
    reader = await build_server(settings)
    try:
        async with server_process(database) as process:
            writer = UserClient(await process.address())
            async with writer:
                created = await writer.create_user(a_user(1), user_id="bob")
                assert await _every_read(reader.address, "users/bob") == [_seen(created)] * 6
                updated = await writer.update_user(
                    user_pb2.User(name="users/bob", display_name="Renamed"), ["display_name"]
                )
                assert (updated.display_name, updated.uid) == ("Renamed", created.uid)
                assert updated.etag != created.etag
        assert await _every_read(reader.address, "users/bob") == [_seen(updated)] * 6
    finally:
        await shutdown.drain(reader)


async def _raw(address: str, method: str, request: Message) -> bytes:
    """The response exactly as it crossed the wire."""
    async with grpc.aio.insecure_channel(address) as channel:
        call: grpc.aio.UnaryUnaryMultiCallable[Message, bytes] = channel.unary_unary(
            method, request_serializer=type(request).SerializeToString
        )
        encoded: bytes = await call(request)
        return encoded


def _canonical(message: Message) -> bytes:
    return message.SerializeToString(deterministic=True)


def _masked(user: v2_user_pb2.User, paths: list[str]) -> v2_user_pb2.User:
    kept = v2_user_pb2.User()
    field_mask_pb2.FieldMask(paths=paths).MergeMessage(user, kept)
    return kept


async def _population(address: str) -> list[v2_user_pb2.User]:
    """Users of every shape: labels, none of the optional fields, deleted."""
    async with UserClientV2(address) as v2:
        await v2.create_user(
            v2_user_pb2.User(
                email="a@example.com", display_name="A", labels={"z": "1", "b": ""}, external_id="x"
            ),
            user_id="a",
        )
        await v2.create_user(v2_user_pb2.User(email="b@example.com"), user_id="b")
        await v2.create_user(v2_user_pb2.User(email="c@example.com"), user_id="c")
        await v2.delete_user("users/c")
        return [await v2.get_user(f"users/{n}") for n in "abc"]


@pytest.mark.parametrize("show_deleted", [False, True])
async def test_a_list_page_is_the_message_built_encoding_on_every_read(
    server: Running, show_deleted: bool
) -> None:
    users = await _population(server.address)
    shown = [u for u in users if show_deleted or not u.HasField("delete_time")]
    request = v2_pb.ListUsersRequest(page_size=1, show_deleted=show_deleted)
    first = await _raw(server.address, V2 + "ListUsers", request)
    token = v2_pb.ListUsersResponse.FromString(first).next_page_token
    assert token
    expected = v2_pb.ListUsersResponse(users=shown[:1], next_page_token=token)
    assert first == _canonical(expected)
    assert await _raw(server.address, V2 + "ListUsers", request) == first  # from the cache
    request.page_size = 10
    whole = v2_pb.ListUsersResponse(users=shown)
    assert await _raw(server.address, V2 + "ListUsers", request) == _canonical(whole)


async def test_masked_reads_are_their_own_encoding_and_leave_the_cached_one_whole(
    server: Running,
) -> None:
    users = await _population(server.address)
    mask = field_mask_pb2.FieldMask(paths=["name", "labels", "delete_time"])
    names = [u.name for u in users]
    get = v2_pb.GetUserRequest(name="users/a", read_mask=mask)
    assert await _raw(server.address, V2 + "GetUser", get) == _canonical(
        _masked(users[0], list(mask.paths))
    )
    batch = v2_pb.BatchGetUsersRequest(names=names, read_mask=mask)
    masked = v2_pb.BatchGetUsersResponse(users=[_masked(u, list(mask.paths)) for u in users])
    assert await _raw(server.address, V2 + "BatchGetUsers", batch) == _canonical(masked)
    listing = v2_pb.ListUsersRequest(show_deleted=True, read_mask=mask)
    masked_page = v2_pb.ListUsersResponse(users=masked.users)
    assert await _raw(server.address, V2 + "ListUsers", listing) == _canonical(masked_page)
    unmasked = v2_pb.BatchGetUsersRequest(names=names)
    whole = v2_pb.BatchGetUsersResponse(users=users)
    assert await _raw(server.address, V2 + "BatchGetUsers", unmasked) == _canonical(whole)


async def test_v1_reads_are_the_message_built_encodings(server: Running) -> None:
    async with UserClient(server.address) as v1:
        created = await v1.create_user(a_user(1, labels={"team": "blue"}), user_id="ann")
        deleted = await v1.create_user(a_user(2), user_id="bob")
        deleted = await v1.delete_user(deleted.name)
    get = v1_pb.GetUserRequest(name="users/ann")
    assert await _raw(server.address, V1 + "GetUser", get) == _canonical(
        v1_pb.GetUserResponse(user=created)
    )
    batch = v1_pb.BatchGetUsersRequest(names=["users/bob", "users/ann"])
    assert await _raw(server.address, V1 + "BatchGetUsers", batch) == _canonical(
        v1_pb.BatchGetUsersResponse(users=[deleted, created])
    )
    listing = v1_pb.ListUsersRequest(show_deleted=True)
    assert await _raw(server.address, V1 + "ListUsers", listing) == _canonical(
        v1_pb.ListUsersResponse(users=[created, deleted])
    )


async def test_the_cache_size_is_reported_in_entries_and_bytes(server: Running) -> None:
    async with UserClientV2(server.address) as v2:
        user = await v2.create_user(v2_user_pb2.User(email="m@example.com"), user_id="m")
        await v2.get_user(user.name)
    page = await scrape(server.metrics_address)
    assert value(page, "roster_wire_cache_entries") == 1
    assert value(page, "roster_wire_cache_bytes") == len(_canonical(user))


async def test_a_server_without_a_cache_keeps_nothing_and_answers_the_same(
    settings: Settings,
) -> None:
    running = await build_server(with_settings(settings, wire_cache_entries=0))
    try:
        users = await _population(running.address)
        request = v2_pb.BatchGetUsersRequest(names=[u.name for u in users])
        raw = await _raw(running.address, V2 + "BatchGetUsers", request)
        assert raw == _canonical(v2_pb.BatchGetUsersResponse(users=users))
        page = await scrape(running.metrics_address)
        assert value(page, "roster_wire_cache_entries") == 0
    finally:
        await shutdown.drain(running)
