"""ListUsers filters are bounded by the contract, so no filter within it can exceed a store's limits."""

from __future__ import annotations

import grpc
import pytest

from roster_client import RosterError, UserClient
from roster_user.domain.query import MAX_FILTER_CHARACTERS, MAX_LABEL_CONDITIONS
from tests.conftest import a_user
from tests.support.errors import assert_error


def label_filter(count: int) -> str:
    """A filter of `count` distinct label conditions joined by AND."""
    return " AND ".join(f'labels.k{n} = "v{n}"' for n in range(count))


async def test_a_filter_with_as_many_label_conditions_as_a_user_may_have_labels_finds_the_user(
    client: UserClient,
) -> None:
    labels = {f"k{n}": f"v{n}" for n in range(MAX_LABEL_CONDITIONS)}
    created = await client.create_user(a_user(1, labels=labels))
    page = await client.list_users(filter=label_filter(MAX_LABEL_CONDITIONS))
    assert [user.name for user in page.users] == [created.name]


async def test_a_filter_past_the_label_condition_limit_is_invalid_argument_naming_the_limit(
    client: UserClient,
) -> None:
    with pytest.raises(RosterError) as caught:
        await client.list_users(filter=label_filter(MAX_LABEL_CONDITIONS + 1))
    assert_error(caught.value, grpc.StatusCode.INVALID_ARGUMENT, "INVALID_FILTER", field="filter")
    assert f"at most {MAX_LABEL_CONDITIONS} label conditions" in caught.value.message


async def test_a_filter_of_998_label_conditions_is_invalid_argument_not_a_store_outage(
    client: UserClient,
) -> None:
    # The probe's case: SQLite failed it ("Expression tree is too large") and the
    # caller got UNAVAILABLE, which the bundled clients retried five times.
    with pytest.raises(RosterError) as caught:
        await client.list_users(filter=label_filter(998))
    assert_error(caught.value, grpc.StatusCode.INVALID_ARGUMENT, "INVALID_FILTER", field="filter")
    assert "at most" in caught.value.message


async def test_a_filter_longer_than_the_contract_allows_is_invalid_argument_naming_the_limit(
    client: UserClient,
) -> None:
    too_long = f'display_name = "{"a" * MAX_FILTER_CHARACTERS}"'
    with pytest.raises(RosterError) as caught:
        await client.list_users(filter=too_long)
    assert_error(caught.value, grpc.StatusCode.INVALID_ARGUMENT, "INVALID_FILTER", field="filter")
    assert f"at most {MAX_FILTER_CHARACTERS} characters" in caught.value.message
