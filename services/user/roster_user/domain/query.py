"""ListUsers queries: the AIP-160 filter subset, ordering, and the page cursor."""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Iterator

from roster_user.domain.errors import InvalidArgument, Reason
from roster_user.domain.filter import Expr
from roster_user.domain.model import State
from roster_user.domain.rules import LABEL_KEY, LABELS_MAX, email_key

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
# A filter's bounds, stated in the contract (ListUsersRequest.filter): every
# filter within them is a statement both stores run (SQLite fails from about a
# thousand label conditions, "Expression tree is too large"). A user has at most
# LABELS_MAX labels, so more label conditions than that could match nobody.
MAX_FILTER_CHARACTERS = 16384
MAX_LABEL_CONDITIONS = LABELS_MAX


class SortKey(enum.StrEnum):
    """Fields a list can be ordered by."""

    CREATE_TIME = "create_time"
    DISPLAY_NAME = "display_name"


@dataclasses.dataclass(frozen=True, slots=True)
class UserFilter:
    """The parsed filter: every condition set here must hold (AND)."""

    state: State | None = None
    email_key: str | None = None
    display_name: str | None = None
    display_name_prefix: str | None = None
    labels: tuple[tuple[str, str], ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class UserQuery:
    """Everything that selects and orders users; a page token is bound to it.

    `filter` is v1's conjunction of equalities or v2's expression tree.
    """

    filter: UserFilter | Expr
    sort_key: SortKey
    descending: bool
    show_deleted: bool

    def fingerprint(self) -> str:
        """A canonical text of the query, stable across processes and versions."""
        return repr(dataclasses.astuple(self))


@dataclasses.dataclass(frozen=True, slots=True)
class Cursor:
    """The position after the last user of a page: its sort value and sequence number."""

    sort_value: int | str
    seq: int


def page_size(requested: int) -> int:
    """AIP-158 page size: 0 means the default, large values are capped."""
    if requested < 0:
        raise InvalidArgument.of("page_size", "must not be negative")
    if requested == 0:
        return DEFAULT_PAGE_SIZE
    return min(requested, MAX_PAGE_SIZE)


def parse_order_by(text: str) -> tuple[SortKey, bool]:
    """`create_time` or `display_name`, then optionally `asc` or `desc`."""
    words = text.split()
    if not words:
        return SortKey.CREATE_TIME, False
    if len(words) <= 2 and words[0] in SortKey.__members__.values():
        direction = words[1] if len(words) == 2 else "asc"
        if direction in ("asc", "desc"):
            return SortKey(words[0]), direction == "desc"
    raise InvalidArgument.of(
        "order_by", "must be create_time or display_name, optionally followed by asc or desc"
    )


_TOKEN = re.compile(
    r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<op>=)|(?P<word>[A-Za-z_][A-Za-z0-9_.\-]*)|(?P<bad>\S))'
)


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "bad"
        value = match.group(kind)
        if kind == "bad":
            raise _filter_error(f"unexpected character {value!r}")
        yield kind, value


def _filter_error(description: str) -> InvalidArgument:
    return InvalidArgument.of("filter", description, reason=Reason.INVALID_FILTER)


def _unquote(literal: str) -> str:
    return re.sub(r"\\(.)", r"\1", literal[1:-1])


def parse_filter(text: str) -> UserFilter:
    """Parse `field = value` conditions joined by AND into a UserFilter."""
    if len(text) > MAX_FILTER_CHARACTERS:
        raise _filter_error(f"must be at most {MAX_FILTER_CHARACTERS} characters")
    tokens = list(_tokens(text))
    conditions: dict[str, object] = {}
    labels: dict[str, str] = {}
    label_conditions = 0
    position = 0
    while position < len(tokens):
        if position:
            if tokens[position] != ("word", "AND"):
                raise _filter_error("conditions must be joined by AND")
            position += 1
        clause = tokens[position : position + 3]
        if len(clause) < 3 or clause[0][0] != "word" or clause[1][0] != "op":
            raise _filter_error("expected a condition of the form field = value")
        (_, field), _, (value_kind, raw) = clause
        position += 3
        value = _unquote(raw) if value_kind == "string" else raw
        if field.startswith("labels."):
            key = field.removeprefix("labels.")
            if not LABEL_KEY.fullmatch(key) or value_kind != "string":
                raise _filter_error('label conditions look like labels.team = "blue"')
            labels[key] = value
            label_conditions += 1
            if label_conditions > MAX_LABEL_CONDITIONS:
                raise _filter_error(f"must have at most {MAX_LABEL_CONDITIONS} label conditions")
            continue
        if field in conditions:
            raise _filter_error(f"{field} appears twice")
        conditions[field] = _condition(field, value_kind, value)
    return _build_filter(conditions, labels)


def _condition(field: str, kind: str, value: str) -> object:
    if field == "state":
        if kind != "word" or value not in (
            "ACTIVE",
            "SUSPENDED",
            "STATE_ACTIVE",
            "STATE_SUSPENDED",
        ):
            raise _filter_error("state must be ACTIVE or SUSPENDED")
        return State[value.removeprefix("STATE_")]
    if field in ("email", "display_name"):
        if kind != "string":
            raise _filter_error(f"{field} must be compared with a quoted string")
        return value
    raise _filter_error(f"cannot filter on {field!r}; use state, email, display_name or labels.KEY")


def _build_filter(conditions: dict[str, object], labels: dict[str, str]) -> UserFilter:
    name = conditions.get("display_name")
    email = conditions.get("email")
    state = conditions.get("state")
    prefix = name[:-1] if isinstance(name, str) and name.endswith("*") else None
    return UserFilter(
        state=state if isinstance(state, State) else None,
        email_key=email_key(email) if isinstance(email, str) else None,
        display_name=name if isinstance(name, str) and prefix is None else None,
        display_name_prefix=prefix,
        labels=tuple(sorted(labels.items())),
    )
