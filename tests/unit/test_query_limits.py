"""Each query and name error says exactly which field and why; each limit at and one past."""

from __future__ import annotations

import uuid

import pytest

from roster_user.domain.errors import InvalidArgument, Reason
from roster_user.domain.model import State
from roster_user.domain.query import (
    DEFAULT_PAGE_SIZE,
    MAX_FILTER_CHARACTERS,
    MAX_LABEL_CONDITIONS,
    MAX_PAGE_SIZE,
    SortKey,
    UserFilter,
    page_size,
    parse_filter,
    parse_order_by,
)
from roster_user.domain.rules import user_id_from_name


def refusal(error: pytest.ExceptionInfo[InvalidArgument]) -> tuple[str, str, Reason]:
    """The one field, its description and the reason of an InvalidArgument."""
    [violation] = error.value.violations
    return violation.field, violation.description, error.value.reason


@pytest.mark.parametrize(
    ("requested", "size"),
    [(0, DEFAULT_PAGE_SIZE), (1, 1), (MAX_PAGE_SIZE, 1000), (MAX_PAGE_SIZE + 1, 1000)],
)
def test_page_size_at_and_past_its_limits(requested: int, size: int) -> None:
    assert page_size(requested) == size


def test_a_negative_page_size_names_the_field() -> None:
    with pytest.raises(InvalidArgument) as caught:
        page_size(-1)
    assert refusal(caught) == ("page_size", "must not be negative", Reason.INVALID_ARGUMENT)


ORDER_BY_ERROR = "must be create_time or display_name, optionally followed by asc or desc"


@pytest.mark.parametrize(
    "text",
    ["asc", "display_name desc extra", "create_time up", "name", "display_name asc desc"],
)
def test_a_bad_order_by_names_the_field_and_the_forms(text: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        parse_order_by(text)
    assert refusal(caught) == ("order_by", ORDER_BY_ERROR, Reason.INVALID_ARGUMENT)


@pytest.mark.parametrize(
    ("text", "description"),
    [
        ("state = ACTIVE !", "unexpected character '!'"),
        ("state = ACTIVE OR state = SUSPENDED", "conditions must be joined by AND"),
        ("state = ACTIVE and state = SUSPENDED", "conditions must be joined by AND"),
        ("state ACTIVE", "expected a condition of the form field = value"),
        ("= ACTIVE x", "expected a condition of the form field = value"),
        ("state = ", "expected a condition of the form field = value"),
        ('"state" = ACTIVE', "expected a condition of the form field = value"),
        ("labels.team = blue", 'label conditions look like labels.team = "blue"'),
        ('labels.Team = "blue"', 'label conditions look like labels.team = "blue"'),
        ("state = ACTIVE AND state = ACTIVE", "state appears twice"),
        ("state = active", "state must be ACTIVE or SUSPENDED"),
        ('state = "ACTIVE"', "state must be ACTIVE or SUSPENDED"),
        ("email = a", "email must be compared with a quoted string"),
        ("display_name = Ann", "display_name must be compared with a quoted string"),
        (
            'uid = "x"',
            "cannot filter on 'uid'; use state, email, display_name or labels.KEY",
        ),
    ],
)
def test_each_filter_error_says_what_is_wrong(text: str, description: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        parse_filter(text)
    assert refusal(caught) == ("filter", description, Reason.INVALID_FILTER)


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("state = ACTIVE", State.ACTIVE),
        ("state = STATE_ACTIVE", State.ACTIVE),
        ("state = SUSPENDED", State.SUSPENDED),
        ("state = STATE_SUSPENDED", State.SUSPENDED),
    ],
)
def test_a_state_is_named_with_or_without_its_prefix(text: str, state: State) -> None:
    assert parse_filter(text) == UserFilter(state=state)


def test_conditions_after_label_conditions_still_count() -> None:
    parsed = parse_filter('labels.b = "2" AND labels.a = "1" AND state = SUSPENDED')
    assert parsed == UserFilter(state=State.SUSPENDED, labels=(("a", "1"), ("b", "2")))


def test_an_exact_display_name_and_a_prefix_are_told_apart() -> None:
    assert parse_filter('display_name = "Ann"') == UserFilter(display_name="Ann")
    assert parse_filter('display_name = "Ann*"') == UserFilter(display_name_prefix="Ann")


def test_an_email_condition_is_compared_by_its_folded_form() -> None:
    # casefold, not lower: the German sharp s folds to "ss".
    assert parse_filter('email = "STRAßE@Example.com"') == UserFilter(
        email_key="strasse@example.com"
    )


def test_an_order_by_picks_the_key_and_direction() -> None:
    assert parse_order_by("display_name desc") == (SortKey.DISPLAY_NAME, True)
    assert parse_order_by(" create_time  asc ") == (SortKey.CREATE_TIME, False)
    assert parse_order_by("") == (SortKey.CREATE_TIME, False)


@pytest.mark.parametrize(
    "name",
    [
        "ann",  # a valid id without the collection
        "people/ann",
        "users/",
        "users/Ann",
        "users/ann-",
        "users/" + "a" * 64,
        "users/0ann",
        "users/0F0E4B9C-1D2E-4F5A-8B7C-6D5E4F3A2B1C",  # generated ids are lowercase
    ],
)
def test_a_malformed_user_name_names_the_request_field(name: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        user_id_from_name(name, "user.name")
    assert refusal(caught) == (
        "user.name",
        "must be a user name of the form users/{user}",
        Reason.INVALID_ARGUMENT,
    )


@pytest.mark.parametrize(
    "user_id", ["a", "a" * 63, "a-1", str(uuid.UUID(int=1)), "0f0e4b9c-1d2e-4f5a-8b7c-6d5e4f3a2b1c"]
)
def test_a_user_name_yields_its_id(user_id: str) -> None:
    assert user_id_from_name(f"users/{user_id}") == user_id


def test_a_malformed_name_names_the_name_field_unless_told_otherwise() -> None:
    with pytest.raises(InvalidArgument) as caught:
        user_id_from_name("people/ann")
    assert refusal(caught)[0] == "name"


def _name_filter(length: int) -> str:
    """A display_name filter exactly `length` characters long."""
    text = 'display_name = ""'
    return text[:-1] + "a" * (length - len(text)) + '"'


def test_a_filter_of_exactly_the_maximum_length_is_parsed() -> None:
    text = _name_filter(MAX_FILTER_CHARACTERS)
    assert len(text) == 16384
    assert parse_filter(text) == UserFilter(display_name="a" * (16384 - 17))


def test_a_filter_one_character_past_the_maximum_is_refused() -> None:
    with pytest.raises(InvalidArgument) as caught:
        parse_filter(_name_filter(MAX_FILTER_CHARACTERS + 1))
    assert refusal(caught) == (
        "filter",
        "must be at most 16384 characters",
        Reason.INVALID_FILTER,
    )


def _label_filter(count: int) -> str:
    return " AND ".join(f'labels.k{n} = "v{n}"' for n in range(count))


def test_exactly_the_maximum_number_of_label_conditions_is_parsed() -> None:
    parsed = parse_filter(_label_filter(MAX_LABEL_CONDITIONS))
    assert MAX_LABEL_CONDITIONS == 64
    assert parsed == UserFilter(
        labels=tuple(sorted((f"k{n}", f"v{n}") for n in range(MAX_LABEL_CONDITIONS)))
    )


def test_one_label_condition_past_the_maximum_is_refused() -> None:
    with pytest.raises(InvalidArgument) as caught:
        parse_filter(_label_filter(MAX_LABEL_CONDITIONS + 1))
    assert refusal(caught) == (
        "filter",
        "must have at most 64 label conditions",
        Reason.INVALID_FILTER,
    )


def test_repeating_one_label_key_counts_every_condition() -> None:
    # The limit bounds the statement the store runs, not the labels matched.
    text = " AND ".join(['labels.team = "blue"'] * (MAX_LABEL_CONDITIONS + 1))
    with pytest.raises(InvalidArgument) as caught:
        parse_filter(text)
    assert refusal(caught)[1] == "must have at most 64 label conditions"


def test_or_inside_a_quoted_value_is_part_of_the_value() -> None:
    assert parse_filter('labels.team = "red OR blue"') == UserFilter(
        labels=(("team", "red OR blue"),)
    )


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("STRAßE@Example.com", "strasse@example.com"),  # sharp s: lower() keeps ß
        ("ẞ@example.com", "ss@example.com"),  # capital sharp s: lower() gives ß
        ("ﬁle@example.com", "file@example.com"),  # the fi ligature: lower() keeps it
        ("ΟΔΟΣ@example.com", "οδοσ@example.com"),  # capital sigma: lower() gives final ς
        ("οδος@example.com", "οδοσ@example.com"),  # final sigma: lower() keeps ς
        ("ꭰ@example.com", "Ꭰ@example.com"),  # Cherokee folds to upper: lower() keeps ꭰ
    ],
)
def test_an_email_condition_folds_case_where_lower_would_not(written: str, folded: str) -> None:
    assert written.lower() != folded
    assert parse_filter(f'email = "{written}"') == UserFilter(email_key=folded)
