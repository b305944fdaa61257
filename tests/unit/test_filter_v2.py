"""The v2 filter on one user (WatchUsers) follows the same rules as the stores' SQL (ListUsers).

tests/integration/test_v2_api.py runs the same expressions through both stores.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from roster_user.domain import filter as user_filter
from roster_user.domain.errors import InvalidArgument
from roster_user.domain.model import State, User

_WHEN = datetime(2026, 6, 1, tzinfo=UTC)


def _user(user_id: str, state: State, labels: dict[str, str]) -> User:
    return User(
        user_id=user_id,
        uid=f"uid-{user_id}",
        email=f"{user_id}@example.com",
        display_name=user_id.title(),
        state=state,
        labels=labels,
        external_id="",
        create_time=_WHEN,
        update_time=_WHEN,
        delete_time=None,
        version=1,
    )


USERS = [
    _user("ann", State.ACTIVE, {"team": "blue"}),
    _user("bob", State.SUSPENDED, {"team": "red"}),
    _user("cyd", State.ACTIVE, {}),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('labels.team = "blue" OR labels.team = "red"', ["ann", "bob"]),
        ('NOT labels.team = "blue"', ["bob", "cyd"]),
        ("labels:team AND state = ACTIVE", ["ann"]),
        ('display_name:"y"', ["cyd"]),
        ('email:"B@EXAMPLE"', ["bob"]),
        ('(state = SUSPENDED OR display_name = "Cy*") AND NOT labels.team = "red"', ["cyd"]),
        ('state != SUSPENDED AND labels.team != "blue"', ["cyd"]),
        (
            'create_time >= "2026-06-01T00:00:00Z" AND update_time < "2026-06-01T00:00:01Z"',
            ["ann", "bob", "cyd"],
        ),
        ('create_time > "2026-06-01T02:00:00+02:00"', []),
        ('labels.team:"*" AND NOT state = SUSPENDED', ["ann"]),
    ],
)
def test_matches_selects_the_same_users_as_the_stores_do(text: str, expected: list[str]) -> None:
    expr = user_filter.parse(text)
    assert [u.user_id for u in USERS if user_filter.matches(expr, u)] == expected


def test_an_empty_filter_parses_to_none_and_matches_everyone() -> None:
    assert user_filter.parse("  ") is None
    assert all(user_filter.matches(None, user) for user in USERS)


def test_or_binds_more_tightly_than_and_as_aip_160_says() -> None:
    expr = user_filter.parse("state = SUSPENDED AND state = ACTIVE OR labels:team")
    assert isinstance(expr, user_filter.All)
    assert isinstance(expr.items[1], user_filter.Any)


def test_two_conditions_without_and_are_refused() -> None:
    with pytest.raises(InvalidArgument) as raised:
        user_filter.parse("state = ACTIVE state = SUSPENDED")
    assert raised.value.violations[0].field == "filter"
