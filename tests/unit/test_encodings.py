"""Responses assembled from cached user encodings equal the message-built ones, byte for byte."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from google.protobuf import unknown_fields
from google.protobuf.internal import encoder
from google.protobuf.message import Message

from roster.user.v1 import user_service_pb2 as v1_pb
from roster.user.v2 import user_service_pb2 as v2_pb
from roster_user.api.convert import user_to_proto as v1_user_to_proto
from roster_user.api.encodings import UserEncodings
from roster_user.api.v2.convert import user_to_proto as v2_user_to_proto
from roster_user.api.wire import int_field, message_field, string_field, varint
from roster_user.api.wire_cache import WireCache
from roster_user.domain.model import State, User

CREATED = datetime(2026, 1, 1, 12, 0, 0, 123456, tzinfo=UTC)
PURGE_AFTER = timedelta(days=30)


def _user(user_id: str, **fields: object) -> User:
    values: dict[str, object] = {
        "user_id": user_id,
        "uid": f"uid-{user_id}",
        "email": f"{user_id}@example.com",
        "display_name": "",
        "state": State.ACTIVE,
        "labels": {},
        "external_id": "",
        "create_time": CREATED,
        "update_time": CREATED,
        "delete_time": None,
        "version": 1,
    }
    values.update(fields)
    return User(**values)  # type: ignore[arg-type]


USERS = [
    # Labels given out of key order: encodings are deterministic (keys sorted).
    _user(
        "full",
        display_name="Ann Example",
        labels={"zone": "b", "team": "blue", "a": ""},
        external_id="hr-1",
        state=State.SUSPENDED,
        state_reason="on leave",
        version=7,
    ),
    _user("bare"),  # every optional field empty: absent from the encoding
    _user("deleted", delete_time=CREATED + timedelta(hours=1), version=2),
    _user("unspecified", state=State.UNSPECIFIED, email=""),
]
TOKENS = ["", "next-page-token"]

Convert = Callable[[User], Message]
CONTRACTS: dict[
    str, tuple[Callable[[User, timedelta | None], Message], type[Message], type[Message]]
] = {
    "v1": (v1_user_to_proto, v1_pb.ListUsersResponse, v1_pb.BatchGetUsersResponse),
    "v2": (v2_user_to_proto, v2_pb.ListUsersResponse, v2_pb.BatchGetUsersResponse),
}


def _encodings(contract: str, purge_after: timedelta | None) -> tuple[UserEncodings, Convert]:
    to_proto = CONTRACTS[contract][0]

    def convert(user: User) -> Message:
        return to_proto(user, purge_after)

    return UserEncodings(contract, convert, WireCache(100, 1 << 20)), convert


def _canonical(message: Message) -> bytes:
    return message.SerializeToString(deterministic=True)


@pytest.mark.parametrize("purge_after", [None, PURGE_AFTER], ids=["no-expiry", "expiry"])
@pytest.mark.parametrize("contract", ["v1", "v2"])
@pytest.mark.parametrize("token", TOKENS, ids=["last-page", "more"])
@pytest.mark.parametrize("count", [0, 1, len(USERS)], ids=["empty", "one", "all"])
def test_a_list_page_from_encodings_equals_the_message_built_response(
    contract: str, purge_after: timedelta | None, token: str, count: int
) -> None:
    encodings, convert = _encodings(contract, purge_after)
    users = USERS[:count]
    built = CONTRACTS[contract][1](
        users=[convert(u) for u in users],
        next_page_token=token,
    )
    for _ in range(2):  # the second time every user comes from the cache
        assembled = encodings.repeated(users) + string_field(2, token)
        assert assembled == _canonical(built)
        parsed = type(built).FromString(assembled)
        assert parsed == built
        assert len(unknown_fields.UnknownFieldSet(parsed)) == 0


@pytest.mark.parametrize("contract", ["v1", "v2"])
def test_a_batch_from_encodings_equals_the_message_built_response(contract: str) -> None:
    encodings, convert = _encodings(contract, PURGE_AFTER)
    twice = [*USERS, USERS[0]]  # a batch may name a user twice
    built = CONTRACTS[contract][2](users=[convert(u) for u in twice])
    assert encodings.repeated(twice) == _canonical(built)


@pytest.mark.parametrize("user", USERS, ids=lambda u: u.user_id)
def test_a_v1_get_response_from_the_encoding_equals_the_message_built_one(user: User) -> None:
    encodings, convert = _encodings("v1", PURGE_AFTER)
    built = v1_pb.GetUserResponse(user=convert(user))  # type: ignore[arg-type]
    assert message_field(1, encodings.of(user)) == _canonical(built)


def test_each_version_is_encoded_once_and_shared() -> None:
    calls: list[User] = []
    _, convert = _encodings("v2", None)

    def counting(user: User) -> Message:
        calls.append(user)
        return convert(user)

    shared = UserEncodings("v2", counting, WireCache(100, 1 << 20))
    first = shared.of(USERS[0])
    assert shared.of(USERS[0]) is first
    newer = shared.of(_user("full", version=8))
    assert newer != first
    assert len(calls) == 2


@pytest.mark.parametrize("value", [0, 1, 127, 128, 300, 16_383, 16_384, 2**31, 2**63 - 1])
def test_varints_equal_protobufs_own(value: int) -> None:
    assert varint(value) == encoder._VarintBytes(value)  # type: ignore[attr-defined]


@pytest.mark.parametrize("revision", [0, 1, 150, 2**40])
def test_an_int_field_equals_the_message_built_one(revision: int) -> None:
    built = v1_pb.WatchUsersResponse(revision=revision)
    assert int_field(1, revision) == _canonical(built)
