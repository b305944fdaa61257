"""ListUsers: page sizes, filters, ordering, and stable tamper-evident paging."""

from __future__ import annotations

import asyncio
import base64

import grpc
import pytest

from roster.user.v1 import user_pb2
from roster_client import InvalidArgumentError, UserClient
from tests.conftest import a_user
from tests.support.errors import assert_error


async def create_many(client: UserClient, count: int, prefix: str, **fields: object) -> list[str]:
    """Create `count` users concurrently in small waves; return their names."""
    names: list[str] = []
    for start in range(0, count, 50):
        wave = [
            client.create_user(a_user(f"{prefix}{n}", **fields), user_id=f"{prefix}{n}")
            for n in range(start, min(start + 50, count))
        ]
        names += [user.name for user in await asyncio.gather(*wave)]
    return names


async def walk(client: UserClient, **query: object) -> list[str]:
    """Every name a paged walk of the query returns, in order."""
    names: list[str] = []
    token = ""
    while True:
        page = await client.list_users(page_token=token, **query)  # type: ignore[arg-type]
        names += [user.name for user in page.users]
        token = page.next_page_token
        if not token:
            return names


async def test_walking_pages_of_seven_while_users_are_inserted_sees_each_existing_user_once(
    client: UserClient,
) -> None:
    existing = await create_many(client, 1050, "p")
    inserting = asyncio.create_task(create_many(client, 300, "q"))
    seen = await walk(client, page_size=7)
    inserted = set(await inserting)
    assert len(seen) == len(set(seen)), "a user was returned twice"
    assert set(existing) <= set(seen), "a user that existed throughout was skipped"
    assert set(seen) <= set(existing) | inserted


@pytest.mark.parametrize(("requested", "returned"), [(0, 50), (3, 3), (5000, 1000)])
async def test_page_size_defaults_to_fifty_and_is_capped_at_a_thousand(
    client: UserClient, requested: int, returned: int
) -> None:
    await create_many(client, 1001, "s")
    page = await client.list_users(page_size=requested)
    assert len(page.users) == returned and page.next_page_token


async def test_a_negative_page_size_is_invalid(client: UserClient) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        await client.list_users(page_size=-1)
    assert_error(
        caught.value, grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT", field="page_size"
    )


async def test_an_altered_page_token_is_invalid(client: UserClient) -> None:
    await create_many(client, 5, "t")
    token = (await client.list_users(page_size=2)).next_page_token
    raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    raw[5] ^= 0x01
    altered = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    for bad in (altered, token[:-2], "garbage", "!!!"):
        with pytest.raises(InvalidArgumentError) as caught:
            await client.list_users(page_size=2, page_token=bad)
        assert_error(
            caught.value, grpc.StatusCode.INVALID_ARGUMENT, "INVALID_PAGE_TOKEN", field="page_token"
        )


@pytest.mark.parametrize(
    "other_query",
    [
        {"filter": "state = ACTIVE"},
        {"order_by": "display_name"},
        {"order_by": "create_time desc"},
        {"show_deleted": True},
    ],
)
async def test_a_page_token_used_with_a_different_query_is_invalid(
    client: UserClient, other_query: dict[str, object]
) -> None:
    await create_many(client, 5, "f")
    token = (await client.list_users(page_size=2)).next_page_token
    with pytest.raises(InvalidArgumentError) as caught:
        await client.list_users(page_size=2, page_token=token, **other_query)  # type: ignore[arg-type]
    assert_error(caught.value, grpc.StatusCode.INVALID_ARGUMENT, "INVALID_PAGE_TOKEN")


async def test_filters_select_by_state_email_display_name_prefix_and_label(
    client: UserClient,
) -> None:
    await client.create_user(
        a_user(email="Ann@Example.com", display_name="Annabel", labels={"team": "blue"}),
        user_id="ann",
    )
    await client.create_user(
        a_user(email="bob@example.com", display_name="Bob", labels={"team": "red"}), user_id="bob"
    )
    await client.create_user(
        a_user(email="anna@example.com", display_name="Anna", state=user_pb2.User.STATE_SUSPENDED),
        user_id="anna",
    )
    cases = {
        "state = SUSPENDED": ["users/anna"],
        'email = "ann@example.COM"': ["users/ann"],
        'display_name = "Ann*"': ["users/ann", "users/anna"],
        'display_name = "Ann"': [],
        'labels.team = "red"': ["users/bob"],
        'display_name = "Ann*" AND state = ACTIVE': ["users/ann"],
    }
    for text, expected in cases.items():
        assert await walk(client, filter=text) == expected, text


@pytest.mark.parametrize(
    "text",
    [
        "state = DELETED",
        'nickname = "x"',
        "email = bob",
        "state",
        "state = ACTIVE OR state = SUSPENDED",
        'email = "a" AND email = "b"',
        'labels.Bad = "x"',
        'display_name = "x" ; DROP TABLE users',
    ],
)
async def test_a_malformed_filter_is_invalid(client: UserClient, text: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        await client.list_users(filter=text)
    assert_error(caught.value, grpc.StatusCode.INVALID_ARGUMENT, "INVALID_FILTER", field="filter")


async def test_order_by_display_name_both_ways(client: UserClient) -> None:
    for name in ("carol", "alice", "bob"):
        await client.create_user(a_user(name, display_name=name.title()), user_id=name)
    assert await walk(client, order_by="display_name", page_size=1) == [
        "users/alice",
        "users/bob",
        "users/carol",
    ]
    assert await walk(client, order_by="display_name desc", page_size=2) == [
        "users/carol",
        "users/bob",
        "users/alice",
    ]
    assert await walk(client, order_by="create_time desc") == [
        "users/bob",
        "users/alice",
        "users/carol",
    ]


@pytest.mark.parametrize("text", ["email", "display_name sideways", "create_time asc extra", "uid"])
async def test_an_unsupported_order_by_is_invalid(client: UserClient, text: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        await client.list_users(order_by=text)
    assert_error(
        caught.value, grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT", field="order_by"
    )
