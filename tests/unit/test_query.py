"""The filter, order_by and page size rules, without a server."""

from __future__ import annotations

from pathlib import Path

import pytest

from roster_user.domain.errors import InvalidArgument, Reason
from roster_user.domain.model import State
from roster_user.domain.query import (
    MAX_FILTER_CHARACTERS,
    MAX_LABEL_CONDITIONS,
    SortKey,
    UserFilter,
    page_size,
    parse_filter,
    parse_order_by,
)


def test_an_empty_filter_selects_everything() -> None:
    assert parse_filter("") == UserFilter()
    assert parse_filter("   ") == UserFilter()


def test_conditions_joined_by_and_combine() -> None:
    parsed = parse_filter('state = SUSPENDED AND email = "Ann@Example.com" AND labels.team = "a b"')
    assert parsed == UserFilter(
        state=State.SUSPENDED, email_key="ann@example.com", labels=(("team", "a b"),)
    )


def test_a_trailing_star_makes_a_display_name_prefix() -> None:
    assert parse_filter('display_name = "An*"').display_name_prefix == "An"
    assert parse_filter('display_name = "An"').display_name == "An"


def test_escaped_quotes_are_part_of_the_value() -> None:
    assert parse_filter(r'labels.q = "say \"hi\""').labels == (("q", 'say "hi"'),)


@pytest.mark.parametrize(
    "text",
    [
        'state = "ACTIVE"',
        "state = active",
        "uid = x",
        'email = "a" email = "b"',
        "= ACTIVE",
        'labels. = "x"',
        "state =",
        "ä",
    ],
)
def test_malformed_filters_are_invalid_filter_errors(text: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        parse_filter(text)
    assert caught.value.reason is Reason.INVALID_FILTER
    assert caught.value.violations[0].field == "filter"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", (SortKey.CREATE_TIME, False)),
        ("display_name", (SortKey.DISPLAY_NAME, False)),
        ("create_time desc", (SortKey.CREATE_TIME, True)),
        ("  display_name   asc ", (SortKey.DISPLAY_NAME, False)),
    ],
)
def test_order_by_accepts_the_documented_forms(text: str, expected: tuple[SortKey, bool]) -> None:
    assert parse_order_by(text) == expected


@pytest.mark.parametrize(("requested", "size"), [(0, 50), (1, 1), (1000, 1000), (1001, 1000)])
def test_page_size_is_defaulted_and_capped(requested: int, size: int) -> None:
    assert page_size(requested) == size


def test_the_contract_states_the_filter_limits_the_parser_enforces() -> None:
    proto = Path(__file__).resolve().parents[2] / "proto/roster/user/v1/user_service.proto"
    comment = " ".join(proto.read_text().split())
    assert f"at most {MAX_FILTER_CHARACTERS} characters" in comment
    assert f"at most {MAX_LABEL_CONDITIONS} label conditions" in comment
