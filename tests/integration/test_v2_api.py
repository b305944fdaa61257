"""roster.user.v2 against a real server on port 0, on both stores, beside v1."""

from __future__ import annotations

import asyncio
import urllib.request
import uuid
from collections.abc import AsyncIterator, Awaitable
from typing import Any, TypeVar

import grpc
import pytest
from google.protobuf import field_mask_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc

from roster.user.v1 import user_pb2 as user_v1
from roster.user.v2 import user_pb2, user_service_pb2_grpc
from roster.user.v2 import user_service_pb2 as pb
from roster_client import RosterError, UserClient
from roster_client.errors import from_rpc_error
from roster_user.domain.filter import MAX_COMPARISONS, MAX_DEPTH, MAX_LENGTH
from roster_user.lifecycle.running import Running
from tests.conftest import a_user
from tests.support.errors import assert_error

T = TypeVar("T")
Event = pb.WatchUsersResponse
SUSPENDED = user_pb2.User.STATE_SUSPENDED
ACTIVE = user_pb2.User.STATE_ACTIVE


@pytest.fixture
async def v2(server: Running) -> AsyncIterator[Any]:
    """A v2 stub on its own channel to the test server."""
    async with grpc.aio.insecure_channel(server.address) as channel:
        yield user_service_pb2_grpc.UserServiceStub(channel)


async def failure(call: Awaitable[object]) -> RosterError:
    """The typed error a call fails with (the test fails if it succeeds)."""
    try:
        await call
    except grpc.aio.AioRpcError as error:
        return from_rpc_error(error)
    raise AssertionError("the call succeeded")


async def create(v2: Any, user_id: str, **fields: Any) -> user_pb2.User:
    """A user created through v2, with an email derived from user_id."""
    user = user_pb2.User(email=f"{user_id}@example.com", display_name=user_id.title(), **fields)
    created: user_pb2.User = await v2.CreateUser(
        pb.CreateUserRequest(user=user, user_id=user_id), timeout=10
    )
    return created


async def next_change(stream: AsyncIterator[T]) -> T:
    """The next non-bookmark event, failing the test if none arrives within 10 seconds."""
    while True:
        event: Any = await asyncio.wait_for(anext(stream), 10)
        if event.event_type != Event.EVENT_TYPE_BOOKMARK:
            return event  # type: ignore[no-any-return]


async def test_create_and_get_return_the_user_itself_active(v2: Any) -> None:
    created = await create(v2, "ann")
    assert created.name == "users/ann" and created.state == ACTIVE and created.etag
    assert await v2.GetUser(pb.GetUserRequest(name="users/ann")) == created


async def test_a_user_created_through_v1_is_suspended_and_read_through_v2_and_watched_on_v1(
    client: UserClient, v2: Any
) -> None:
    watch = client.watch_users()
    await asyncio.wait_for(anext(watch), 10)  # the opening bookmark
    made = await client.create_user(a_user("mix"), user_id="mix")
    suspended = await v2.SuspendUser(
        pb.SuspendUserRequest(name=made.name, reason="left the team", etag=made.etag)
    )
    assert (suspended.uid, suspended.state, suspended.state_reason) == (
        made.uid,
        SUSPENDED,
        "left the team",
    )
    read_v1 = await client.get_user(made.name)
    assert read_v1.state == user_v1.User.STATE_SUSPENDED and read_v1.etag == suspended.etag
    created_event = await next_change(watch)
    updated_event = await next_change(watch)
    assert created_event.user.uid == made.uid
    assert updated_event.user.state == user_v1.User.STATE_SUSPENDED
    assert updated_event.user.etag == suspended.etag
    assert updated_event.revision == created_event.revision + 1


async def test_suspending_a_suspended_user_is_a_failed_precondition(v2: Any) -> None:
    await create(v2, "bob")
    await v2.SuspendUser(pb.SuspendUserRequest(name="users/bob"))
    error = await failure(v2.SuspendUser(pb.SuspendUserRequest(name="users/bob")))
    assert_error(error, grpc.StatusCode.FAILED_PRECONDITION, "STATE_TRANSITION_NOT_ALLOWED")


async def test_activate_sets_its_own_reason_and_a_stale_etag_is_aborted(v2: Any) -> None:
    made = await create(v2, "cy")
    await v2.SuspendUser(pb.SuspendUserRequest(name=made.name, reason="audit"))
    error = await failure(v2.ActivateUser(pb.ActivateUserRequest(name=made.name, etag=made.etag)))
    assert_error(error, grpc.StatusCode.ABORTED, "ETAG_MISMATCH")
    active = await v2.ActivateUser(pb.ActivateUserRequest(name=made.name, reason="cleared"))
    assert (active.state, active.state_reason) == (ACTIVE, "cleared")


async def test_v1_changing_state_through_update_mask_still_works_and_clears_the_reason(
    client: UserClient, v2: Any
) -> None:
    made = await create(v2, "dee")
    await v2.SuspendUser(pb.SuspendUserRequest(name=made.name, reason="audit"))
    await client.update_user(
        user_v1.User(name=made.name, state=user_v1.User.STATE_ACTIVE), ["state"]
    )
    read = await v2.GetUser(pb.GetUserRequest(name=made.name))
    assert (read.state, read.state_reason) == (ACTIVE, "")


async def test_v2_update_mask_cannot_name_state(v2: Any) -> None:
    made = await create(v2, "eve")
    request = pb.UpdateUserRequest(
        user=user_pb2.User(name=made.name, state=SUSPENDED),
        update_mask=field_mask_pb2.FieldMask(paths=["state"]),
    )
    error = await failure(v2.UpdateUser(request))
    assert_error(
        error, grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT", field="update_mask.paths[0]"
    )


async def test_a_read_mask_returns_only_the_fields_it_names(v2: Any) -> None:
    made = await create(v2, "fay", labels={"team": "blue"})
    mask = field_mask_pb2.FieldMask(paths=["name", "labels"])
    read = await v2.GetUser(pb.GetUserRequest(name=made.name, read_mask=mask))
    assert read == user_pb2.User(name=made.name, labels={"team": "blue"})
    listed = await v2.ListUsers(pb.ListUsersRequest(read_mask=mask))
    assert list(listed.users) == [read]
    batch = await v2.BatchGetUsers(pb.BatchGetUsersRequest(names=[made.name], read_mask=mask))
    assert list(batch.users) == [read]


async def test_a_read_mask_naming_no_field_of_user_is_invalid(v2: Any) -> None:
    await create(v2, "gus")
    mask = field_mask_pb2.FieldMask(paths=["name", "password"])
    error = await failure(v2.GetUser(pb.GetUserRequest(name="users/gus", read_mask=mask)))
    assert_error(
        error, grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT", field="read_mask.paths[1]"
    )


def batch_of(*user_ids: str, request_id: str = "") -> pb.BatchCreateUsersRequest:
    """A batch creating one user per id, each with an email derived from it."""
    return pb.BatchCreateUsersRequest(
        requests=[
            pb.CreateUserRequest(
                user=user_pb2.User(email=f"{user_id}@example.com"), user_id=user_id
            )
            for user_id in user_ids
        ],
        request_id=request_id,
    )


async def test_batch_create_creates_every_user_in_order(v2: Any) -> None:
    created = await v2.BatchCreateUsers(batch_of("b1", "b2", "b3"))
    assert [user.name for user in created.users] == ["users/b1", "users/b2", "users/b3"]
    listed = await v2.ListUsers(pb.ListUsersRequest())
    assert {user.uid for user in listed.users} == {user.uid for user in created.users}


async def test_batch_create_names_every_bad_user_by_index_and_creates_none(v2: Any) -> None:
    request = batch_of("c1", "c2", "c3")
    request.requests[1].user.email = "not-an-email"
    request.requests[2].user.email = "c1@example.com"
    error = await failure(v2.BatchCreateUsers(request))
    assert_error(error, grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT")
    fields = [violation.field for violation in error.field_violations]
    assert fields == ["requests[1].user.email", "requests[2].user.email"]
    assert list((await v2.ListUsers(pb.ListUsersRequest())).users) == []


async def test_batch_create_conflicting_with_a_stored_user_creates_none(v2: Any) -> None:
    await create(v2, "d2")
    error = await failure(v2.BatchCreateUsers(batch_of("d1", "d2", "d3")))
    assert_error(error, grpc.StatusCode.ALREADY_EXISTS, "USER_ALREADY_EXISTS", resource="users/d2")
    listed = await v2.ListUsers(pb.ListUsersRequest())
    assert [user.name for user in listed.users] == ["users/d2"]


async def test_batch_create_of_more_than_1000_users_is_invalid(v2: Any) -> None:
    error = await failure(v2.BatchCreateUsers(batch_of(*(f"u{i}" for i in range(1001)))))
    assert_error(error, grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT", field="requests")


async def test_batch_create_retried_with_its_request_id_returns_the_first_result(v2: Any) -> None:
    request_id = str(uuid.uuid4())
    first = await v2.BatchCreateUsers(batch_of("e1", "e2", request_id=request_id))
    again = await v2.BatchCreateUsers(batch_of("e1", "e2", request_id=request_id))
    assert again == first
    error = await failure(v2.BatchCreateUsers(batch_of("e1", "e3", request_id=request_id)))
    assert_error(error, grpc.StatusCode.INVALID_ARGUMENT, "REQUEST_ID_REUSED")


async def names(v2: Any, text: str) -> list[str]:
    """The names ListUsers returns for a v2 filter, in creation order."""
    listed = await v2.ListUsers(pb.ListUsersRequest(filter=text))
    return [user.name for user in listed.users]


@pytest.fixture
async def three(v2: Any) -> list[user_pb2.User]:
    """ann (team blue), bob (team red, suspended) and cyd (no team)."""
    ann = await create(v2, "ann", labels={"team": "blue"})
    bob = await create(v2, "bob", labels={"team": "red"})
    await v2.SuspendUser(pb.SuspendUserRequest(name=bob.name))
    cyd = await create(v2, "cyd")
    return [ann, bob, cyd]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('labels.team = "blue" OR labels.team = "red"', ["ann", "bob"]),
        ('NOT labels.team = "blue"', ["bob", "cyd"]),
        ('-labels.team = "blue"', ["bob", "cyd"]),
        ("labels:team AND state = ACTIVE", ["ann"]),
        ('labels.team:"*"', ["ann", "bob"]),
        ('display_name:"y"', ["cyd"]),
        ('email:"B@EXAMPLE"', ["bob"]),
        ('(state = SUSPENDED OR display_name = "Cy*") AND NOT labels.team = "red"', ["cyd"]),
        ('state != SUSPENDED AND labels.team != "blue"', ["cyd"]),
        (
            'create_time > "2000-01-01T00:00:00Z" AND update_time < "2999-01-01T00:00:00Z"',
            ["ann", "bob", "cyd"],
        ),
        ('create_time <= "2000-01-01T00:00:00+02:00"', []),
    ],
)
async def test_the_v2_filter_selects_users(
    v2: Any, three: list[user_pb2.User], text: str, expected: list[str]
) -> None:
    assert await names(v2, text) == [f"users/{name}" for name in expected]


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("x" * (MAX_LENGTH + 1), str(MAX_LENGTH)),
        (" AND ".join(["state = ACTIVE"] * (MAX_COMPARISONS + 1)), str(MAX_COMPARISONS)),
        ("(" * (MAX_DEPTH + 1) + "state = ACTIVE" + ")" * (MAX_DEPTH + 1), str(MAX_DEPTH)),
        ("NOT " * (MAX_DEPTH + 1) + "state = ACTIVE", str(MAX_DEPTH)),
    ],
)
async def test_a_filter_past_its_bounds_is_invalid_and_names_the_limit(
    v2: Any, text: str, limit: str
) -> None:
    error = await failure(v2.ListUsers(pb.ListUsersRequest(filter=text)))
    assert_error(error, grpc.StatusCode.INVALID_ARGUMENT, "INVALID_FILTER", field="filter")
    assert limit in error.field_violations[0].description


@pytest.mark.parametrize(
    "text",
    [
        'create_time > "yesterday"',
        "state = ACTIVE OR",
        "(state = ACTIVE",
        'owner = "x"',
        'display_name < "b"',
    ],
)
async def test_a_malformed_v2_filter_is_invalid(v2: Any, text: str) -> None:
    error = await failure(v2.ListUsers(pb.ListUsersRequest(filter=text)))
    assert_error(error, grpc.StatusCode.INVALID_ARGUMENT, "INVALID_FILTER", field="filter")


async def test_v1_keeps_its_own_filter_language(client: UserClient) -> None:
    with pytest.raises(RosterError) as raised:
        await client.list_users(filter="state = ACTIVE OR state = SUSPENDED")
    assert_error(raised.value, grpc.StatusCode.INVALID_ARGUMENT, "INVALID_FILTER", field="filter")


async def test_a_filtered_v2_watch_gets_only_matching_changes(v2: Any) -> None:
    stream = v2.WatchUsers(pb.WatchUsersRequest(filter='labels.team = "blue"'))
    await asyncio.wait_for(anext(aiter(stream)), 10)  # the opening bookmark
    await create(v2, "red1", labels={"team": "red"})
    blue = await create(v2, "blue1", labels={"team": "blue"})
    event = await next_change(aiter(stream))
    assert (event.event_type, event.user.name) == (Event.EVENT_TYPE_CREATED, blue.name)
    stream.cancel()


async def test_v1_calls_are_counted_by_version_and_method(
    server: Running, client: UserClient, v2: Any
) -> None:
    await client.list_users()
    await v2.ListUsers(pb.ListUsersRequest())
    await v2.ListUsers(pb.ListUsersRequest())
    async with grpc.aio.insecure_channel(server.address) as channel:
        # A versioned package too (grpc.health.v1), but not a Roster contract.
        health: Any = health_pb2_grpc.HealthStub(channel)  # the stubs lack Check
        await health.Check(health_pb2.HealthCheckRequest())
    text = await asyncio.to_thread(_scrape, server.metrics_address)
    assert 'roster_contract_calls_total{method="ListUsers",version="v1"} 1.0' in text
    assert 'roster_contract_calls_total{method="ListUsers",version="v2"} 2.0' in text
    counted = {  # every series exists from start-up, at zero
        line.partition("{")[2].partition(",")[0]
        for line in text.splitlines()
        if line.startswith("roster_contract_calls_total{") and not line.endswith(" 0.0")
    }
    assert counted == {'method="ListUsers"'}


def _scrape(address: str) -> str:
    with urllib.request.urlopen(f"http://{address}/metrics", timeout=10) as response:
        body: bytes = response.read()
    return body.decode()
