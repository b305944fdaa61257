"""Field rules at every documented limit, exactly at and one past, with each violation's path and text."""

from __future__ import annotations

import pytest

from roster_user.domain.errors import FieldViolation
from roster_user.domain.fields import WRITABLE
from roster_user.domain.model import State, UserFields
from roster_user.domain.rules import (
    check_fields,
    check_request_id,
    check_state_reason,
    check_user_id,
)

EMAIL_TEXT = "must be an email address such as ann@example.com"
USER_ID_TEXT = (
    "must be 1-63 lowercase letters, digits or hyphens, start with a letter "
    "and not end with a hyphen"
)
VALUE_TEXT = "value must be at most 63 characters without control characters"
EXTERNAL_TEXT = "must be at most 128 characters without control characters"


def violations(**values: object) -> list[tuple[str, str]]:
    """(field, description) of every violation among all writable fields."""
    given: dict[str, object] = {"email": "ann@example.com"}
    given.update(values)
    found = check_fields(UserFields(**given), "user", WRITABLE)  # type: ignore[arg-type]
    return [(v.field, v.description) for v in found]


def test_valid_fields_at_every_limit_have_no_violations() -> None:
    assert violations(
        email="a@" + "b" * 250 + ".c",  # 254 characters
        display_name="d" * 200,
        state=State.SUSPENDED,
        labels={f"k{n}": "v" * 63 for n in range(64)} | {"k" + "x" * 62: "v"},
        external_id="e" * 128,
    ) == [("user.labels", "must have at most 64 entries")]
    assert violations(labels={f"k{n}": "v" for n in range(64)}) == []


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"email": ""}, [("user.email", "is required")]),
        ({"email": "a@" + "b" * 251 + ".c"}, [("user.email", EMAIL_TEXT)]),  # 255
        ({"email": "ann.example.com"}, [("user.email", EMAIL_TEXT)]),
        ({"email": "@example.com"}, [("user.email", EMAIL_TEXT)]),
        ({"email": "ann@examplecom"}, [("user.email", EMAIL_TEXT)]),
        ({"email": "ann@.example.com"}, [("user.email", EMAIL_TEXT)]),
        ({"email": "ann@example.com."}, [("user.email", EMAIL_TEXT)]),
        ({"email": "ann @example.com"}, [("user.email", EMAIL_TEXT)]),
        ({"email": "ann\x00@example.com"}, [("user.email", EMAIL_TEXT)]),
        ({"email": "a@b@example.com"}, []),  # the last @ splits; the local part may hold one
        ({"email": "ann@x.@example"}, [("user.email", EMAIL_TEXT)]),  # the domain after the last @
        ({"display_name": "d" * 201}, [("user.display_name", "must be at most 200 characters")]),
        (
            {"display_name": "a\x1fb"},
            [("user.display_name", "must not contain control characters")],
        ),
        ({"state": 3}, [("user.state", "must be STATE_ACTIVE or STATE_SUSPENDED")]),
        (
            {"labels": {f"k{n}": "v" for n in range(65)}},
            [("user.labels", "must have at most 64 entries")],
        ),
        (
            {"labels": {"Bad": "v"}},
            [("user.labels['Bad']", "key must match [a-z][a-z0-9_-]{0,62}")],
        ),
        ({"labels": {"k": "v" * 64}}, [("user.labels['k']", VALUE_TEXT)]),
        ({"labels": {"k": "a\x7fb"}}, [("user.labels['k']", VALUE_TEXT)]),
        ({"external_id": "e" * 129}, [("user.external_id", EXTERNAL_TEXT)]),
        ({"external_id": "e\x00"}, [("user.external_id", EXTERNAL_TEXT)]),
    ],
)
def test_each_rule_one_past_its_limit_names_the_field_and_why(
    values: dict[str, object], expected: list[tuple[str, str]]
) -> None:
    assert violations(**values) == expected


@pytest.mark.parametrize("user_id", ["a", "a" * 63, "a-b", "a1"])
def test_user_ids_within_the_rules_are_accepted(user_id: str) -> None:
    assert check_user_id(user_id) == []


@pytest.mark.parametrize("user_id", ["", "a" * 64, "1a", "a-", "A", "a_b"])
def test_user_ids_outside_the_rules_are_refused_with_the_rules(user_id: str) -> None:
    assert check_user_id(user_id) == [FieldViolation("user_id", USER_ID_TEXT)]


def test_a_request_id_must_be_a_uuid() -> None:
    assert check_request_id("0f0e4b9c-1d2e-4f5a-8b7c-6d5e4f3a2b1c") == []
    assert check_request_id("not-a-uuid") == [FieldViolation("request_id", "must be a UUID")]


REASON_TEXT = "must be at most 200 characters without control characters"


@pytest.mark.parametrize("reason", ["", "r" * 200, "on leave \u00e9"])
def test_a_state_reason_up_to_the_limit_is_accepted(reason: str) -> None:
    assert check_state_reason(reason, "reason") == []


@pytest.mark.parametrize("reason", ["r" * 201, "r\x00", "\x9f", "r\ud800"])
def test_a_state_reason_one_past_the_limit_or_with_a_control_character_is_refused(
    reason: str,
) -> None:
    assert check_state_reason(reason, "reason") == [FieldViolation("reason", REASON_TEXT)]
