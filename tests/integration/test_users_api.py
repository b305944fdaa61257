"""Every RPC's success path and documented errors, with exact codes and details."""

from __future__ import annotations

import uuid

import grpc
import pytest

from roster.user.v1 import user_pb2
from roster_client import (
    AbortedError,
    AlreadyExistsError,
    FailedPreconditionError,
    InvalidArgumentError,
    NotFoundError,
    UserClient,
)
from tests.conftest import a_user
from tests.support.errors import assert_error

ACTIVE = user_pb2.User.STATE_ACTIVE
SUSPENDED = user_pb2.User.STATE_SUSPENDED


async def test_create_then_get_returns_the_stored_user_with_output_fields(
    client: UserClient,
) -> None:
    created = await client.create_user(
        a_user(1, labels={"team": "blue"}, external_id="hr-1"), user_id="ann"
    )
    assert created.name == "users/ann"
    assert uuid.UUID(created.uid)
    assert created.state == ACTIVE
    assert created.etag and created.HasField("create_time") and not created.HasField("delete_time")
    assert await client.get_user("users/ann") == created


async def test_create_without_user_id_names_the_user_by_its_uid(client: UserClient) -> None:
    created = await client.create_user(a_user(2))
    assert created.name == f"users/{created.uid}"
    assert await client.get_user(created.name) == created


async def test_create_ignores_output_only_fields(client: UserClient) -> None:
    created = await client.create_user(a_user(3, uid="forged", etag="x", name="users/forged"))
    assert created.uid != "forged" and created.name != "users/forged"


async def test_create_without_email_is_invalid_and_names_the_field(client: UserClient) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        await client.create_user(user_pb2.User(display_name="No Email"))
    assert_error(
        caught.value, grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT", field="user.email"
    )


@pytest.mark.parametrize(
    ("fields", "user_id", "field"),
    [
        ({"email": "not-an-email"}, "", "user.email"),
        ({"email": "a@example.com", "display_name": "x" * 201}, "", "user.display_name"),
        ({"email": "a@example.com", "labels": {"Bad Key": "v"}}, "", "user.labels['Bad Key']"),
        ({"email": "a@example.com", "state": 9}, "", "user.state"),
        ({"email": "a@example.com"}, "Upper-Case", "user_id"),
        ({"email": "a@example.com"}, "trailing-", "user_id"),
    ],
)
async def test_create_with_a_malformed_field_names_that_field(
    client: UserClient, fields: dict[str, object], user_id: str, field: str
) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        await client.create_user(user_pb2.User(**fields), user_id=user_id)  # type: ignore[arg-type]
    assert_error(caught.value, grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT", field=field)


async def test_create_with_a_taken_user_id_is_already_exists(client: UserClient) -> None:
    await client.create_user(a_user(4), user_id="dup")
    with pytest.raises(AlreadyExistsError) as caught:
        await client.create_user(a_user(5), user_id="dup")
    assert_error(
        caught.value, grpc.StatusCode.ALREADY_EXISTS, "USER_ALREADY_EXISTS", resource="users/dup"
    )


async def test_create_with_an_email_in_use_in_another_case_is_already_exists(
    client: UserClient,
) -> None:
    await client.create_user(a_user(email="Sam@Example.com"))
    with pytest.raises(AlreadyExistsError) as caught:
        await client.create_user(a_user(email="sam@EXAMPLE.com"))
    assert_error(caught.value, grpc.StatusCode.ALREADY_EXISTS, "EMAIL_ALREADY_IN_USE")


async def test_repeating_a_request_id_returns_the_first_response(client: UserClient) -> None:
    request_id = str(uuid.uuid4())
    first = await client.create_user(a_user(6), request_id=request_id)
    again = await client.create_user(a_user(6), request_id=request_id)
    assert again == first
    page = await client.list_users()
    assert [user.name for user in page.users] == [first.name]


async def test_reusing_a_request_id_for_a_different_request_is_invalid(client: UserClient) -> None:
    request_id = str(uuid.uuid4())
    await client.create_user(a_user(7), request_id=request_id)
    with pytest.raises(InvalidArgumentError) as caught:
        await client.create_user(a_user(8), request_id=request_id)
    assert_error(
        caught.value, grpc.StatusCode.INVALID_ARGUMENT, "REQUEST_ID_REUSED", field="request_id"
    )


async def test_a_request_id_that_is_not_a_uuid_is_invalid(client: UserClient) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        await client.create_user(a_user(9), request_id="not-a-uuid")
    assert_error(
        caught.value, grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT", field="request_id"
    )


async def test_get_of_a_missing_user_is_not_found_with_resource_info(client: UserClient) -> None:
    with pytest.raises(NotFoundError) as caught:
        await client.get_user("users/nobody")
    assert_error(caught.value, grpc.StatusCode.NOT_FOUND, "USER_NOT_FOUND", resource="users/nobody")


@pytest.mark.parametrize("name", ["", "nobody", "users/", "users/UPPER", "groups/x", "users/a/b"])
async def test_get_with_a_malformed_name_is_invalid(client: UserClient, name: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        await client.get_user(name)
    assert_error(caught.value, grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT", field="name")


async def test_batch_get_returns_users_in_the_order_asked(client: UserClient) -> None:
    names = [(await client.create_user(a_user(n), user_id=f"b{n}")).name for n in range(5)]
    wanted = [names[3], names[0], names[4]]
    assert [user.name for user in await client.batch_get_users(wanted)] == wanted


async def test_batch_get_with_one_missing_name_fails_whole_naming_it(client: UserClient) -> None:
    await client.create_user(a_user(1), user_id="present")
    with pytest.raises(NotFoundError) as caught:
        await client.batch_get_users(["users/present", "users/absent"])
    assert_error(caught.value, grpc.StatusCode.NOT_FOUND, "USER_NOT_FOUND", resource="users/absent")


@pytest.mark.parametrize("count", [0, 1001])
async def test_batch_get_of_zero_or_over_a_thousand_names_is_invalid(
    client: UserClient, count: int
) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        await client.batch_get_users([f"users/u{i}" for i in range(count)])
    assert_error(caught.value, grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT", field="names")


async def test_update_changes_only_masked_fields_and_renews_the_etag(client: UserClient) -> None:
    created = await client.create_user(a_user(1, labels={"a": "1"}), user_id="upd")
    change = user_pb2.User(
        name=created.name, display_name="Renamed", email="ignored@example.com", etag=created.etag
    )
    updated = await client.update_user(change, ["display_name"])
    assert updated.display_name == "Renamed"
    assert updated.email == created.email and dict(updated.labels) == {"a": "1"}
    assert updated.etag != created.etag
    assert updated.update_time.ToDatetime() >= created.update_time.ToDatetime()


async def test_update_with_a_star_mask_replaces_every_mutable_field(client: UserClient) -> None:
    created = await client.create_user(
        a_user(1, labels={"a": "1"}, external_id="keep"), user_id="star"
    )
    change = user_pb2.User(name=created.name, email="new@example.com", state=SUSPENDED)
    updated = await client.update_user(change, ["*"])
    assert (updated.email, updated.display_name, updated.state) == (
        "new@example.com",
        "",
        SUSPENDED,
    )
    assert dict(updated.labels) == {} and updated.external_id == "keep"


async def test_update_with_an_empty_mask_changes_the_fields_that_are_set(
    client: UserClient,
) -> None:
    created = await client.create_user(a_user(1, display_name="Old"), user_id="empty-mask")
    updated = await client.update_user(user_pb2.User(name=created.name, state=SUSPENDED), [])
    assert updated.state == SUSPENDED and updated.display_name == "Old"


@pytest.mark.parametrize("path", ["nickname", "uid", "create_time", "labels.team", "etag"])
async def test_update_with_an_unknown_or_read_only_path_is_invalid(
    client: UserClient, path: str
) -> None:
    created = await client.create_user(a_user(1), user_id="paths")
    with pytest.raises(InvalidArgumentError) as caught:
        await client.update_user(user_pb2.User(name=created.name), [path])
    assert_error(
        caught.value,
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
        field="update_mask.paths[0]",
    )


async def test_update_changing_an_immutable_field_is_invalid(client: UserClient) -> None:
    created = await client.create_user(a_user(1, external_id="hr-1"), user_id="immutable")
    with pytest.raises(InvalidArgumentError) as caught:
        await client.update_user(
            user_pb2.User(name=created.name, external_id="hr-2"), ["external_id"]
        )
    assert_error(
        caught.value, grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT", field="user.external_id"
    )
    same = await client.update_user(
        user_pb2.User(name=created.name, external_id="hr-1"), ["external_id"]
    )
    assert same.external_id == "hr-1"


async def test_update_with_a_stale_etag_is_aborted(client: UserClient) -> None:
    created = await client.create_user(a_user(1), user_id="stale")
    await client.update_user(
        user_pb2.User(name=created.name, display_name="First"), ["display_name"]
    )
    with pytest.raises(AbortedError) as caught:
        await client.update_user(
            user_pb2.User(name=created.name, display_name="Second", etag=created.etag),
            ["display_name"],
        )
    assert_error(caught.value, grpc.StatusCode.ABORTED, "ETAG_MISMATCH")
    assert (await client.get_user(created.name)).display_name == "First"


async def test_update_to_an_email_in_use_is_already_exists(client: UserClient) -> None:
    await client.create_user(a_user(email="taken@example.com"))
    other = await client.create_user(a_user(2))
    with pytest.raises(AlreadyExistsError) as caught:
        await client.update_user(
            user_pb2.User(name=other.name, email="TAKEN@example.com"), ["email"]
        )
    assert_error(caught.value, grpc.StatusCode.ALREADY_EXISTS, "EMAIL_ALREADY_IN_USE")


async def test_update_of_a_missing_user_is_not_found(client: UserClient) -> None:
    with pytest.raises(NotFoundError) as caught:
        await client.update_user(
            user_pb2.User(name="users/ghost", display_name="x"), ["display_name"]
        )
    assert_error(caught.value, grpc.StatusCode.NOT_FOUND, "USER_NOT_FOUND", resource="users/ghost")


async def test_update_of_a_deleted_user_is_failed_precondition(client: UserClient) -> None:
    created = await client.create_user(a_user(1), user_id="gone")
    await client.delete_user(created.name)
    with pytest.raises(FailedPreconditionError) as caught:
        await client.update_user(
            user_pb2.User(name=created.name, display_name="x"), ["display_name"]
        )
    assert_error(caught.value, grpc.StatusCode.FAILED_PRECONDITION, "USER_DELETED")


async def test_delete_is_soft_and_undelete_restores(client: UserClient) -> None:
    created = await client.create_user(a_user(1), user_id="soft")
    deleted = await client.delete_user(created.name, etag=created.etag)
    assert deleted.HasField("delete_time")
    assert (await client.get_user(created.name)).HasField("delete_time")
    assert not (await client.list_users()).users
    assert [u.name for u in (await client.list_users(show_deleted=True)).users] == [created.name]
    restored = await client.undelete_user(created.name, etag=deleted.etag)
    assert not restored.HasField("delete_time")
    assert [u.name for u in (await client.list_users()).users] == [created.name]


async def test_delete_of_a_missing_or_deleted_user_is_not_found_unless_allowed(
    client: UserClient,
) -> None:
    with pytest.raises(NotFoundError) as caught:
        await client.delete_user("users/never")
    assert_error(caught.value, grpc.StatusCode.NOT_FOUND, "USER_NOT_FOUND")
    assert not (await client.delete_user("users/never", allow_missing=True)).name
    created = await client.create_user(a_user(1), user_id="twice")
    await client.delete_user(created.name)
    with pytest.raises(NotFoundError):
        await client.delete_user(created.name)
    assert not (await client.delete_user(created.name, allow_missing=True)).name


async def test_delete_with_a_stale_etag_is_aborted(client: UserClient) -> None:
    created = await client.create_user(a_user(1), user_id="del-etag")
    await client.update_user(user_pb2.User(name=created.name, display_name="x"), ["display_name"])
    with pytest.raises(AbortedError) as caught:
        await client.delete_user(created.name, etag=created.etag)
    assert_error(caught.value, grpc.StatusCode.ABORTED, "ETAG_MISMATCH")


async def test_undelete_of_a_live_user_is_already_exists(client: UserClient) -> None:
    created = await client.create_user(a_user(1), user_id="alive")
    with pytest.raises(AlreadyExistsError) as caught:
        await client.undelete_user(created.name)
    assert_error(
        caught.value, grpc.StatusCode.ALREADY_EXISTS, "USER_ALREADY_EXISTS", resource=created.name
    )


async def test_undelete_with_a_stale_etag_is_aborted(client: UserClient) -> None:
    created = await client.create_user(a_user(1), user_id="und-etag")
    await client.delete_user(created.name)
    with pytest.raises(AbortedError) as caught:
        await client.undelete_user(created.name, etag=created.etag)
    assert_error(caught.value, grpc.StatusCode.ABORTED, "ETAG_MISMATCH")


async def test_undelete_of_a_missing_user_is_not_found(client: UserClient) -> None:
    with pytest.raises(NotFoundError) as caught:
        await client.undelete_user("users/nobody-here")
    assert_error(caught.value, grpc.StatusCode.NOT_FOUND, "USER_NOT_FOUND")
