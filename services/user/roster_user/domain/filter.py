"""The AIP-160 filter language of roster.user.v2: AND, OR, NOT, parentheses, `:`, time ranges.

A filter parses into a small tree of frozen dataclasses. The stores compile
the tree to SQL (store/filter_sql.py); `matches` evaluates it on one user,
for WatchUsers. Both follow the same rules, stated here once: a missing
label equals no value, `:` is "contains" on text and "has" on labels.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import datetime

from roster_user.domain.errors import InvalidArgument, Reason
from roster_user.domain.model import State, User
from roster_user.domain.rules import LABEL_KEY, email_key

MAX_LENGTH = 1024
MAX_COMPARISONS = 20
MAX_DEPTH = 8
TEXT_FIELDS = ("email", "display_name")
TIME_FIELDS = ("create_time", "update_time")
ORDERING = ("<", "<=", ">", ">=")


@dataclasses.dataclass(frozen=True, slots=True)
class Compare:
    """One comparison. `field` is a column name or `labels.KEY`; `value` is already typed.

    Ops: `=`, `!=`, the ordering ops on times, `:` (contains), `has` (a
    label key is present) and `prefix` (display_name = "Ann*").
    """

    field: str
    op: str
    value: str | int


@dataclasses.dataclass(frozen=True, slots=True)
class Not:
    """The negation of an expression."""

    item: Expr


@dataclasses.dataclass(frozen=True, slots=True)
class All:
    """Every item holds (AND)."""

    items: tuple[Expr, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Any:
    """Some item holds (OR)."""

    items: tuple[Expr, ...]


Expr = Compare | Not | All | Any

_TOKEN = re.compile(
    r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<op><=|>=|!=|=|<|>|:)|(?P<paren>[()])'
    r"|(?P<minus>-)|(?P<word>[A-Za-z_*][A-Za-z0-9_.*]*)|(?P<bad>\S))"
)


def _error(description: str) -> InvalidArgument:
    return InvalidArgument.of("filter", description, reason=Reason.INVALID_FILTER)


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "bad"
        if kind == "bad":
            raise _error(f"unexpected character {match.group(kind)!r}")
        yield kind, match.group(kind)


def parse(text: str) -> Expr | None:
    """The filter's tree, None for an empty filter, or INVALID_ARGUMENT naming what is wrong."""
    if len(text) > MAX_LENGTH:
        raise _error(f"is {len(text)} characters long; the limit is {MAX_LENGTH}")
    if not text.strip():
        return None
    parser = _Parser(list(_tokens(text)))
    expr = parser.expression(0)
    if parser.position < len(parser.tokens):
        raise _error(f"unexpected {parser.tokens[parser.position][1]!r}; join conditions with AND")
    return expr


class _Parser:
    """Recursive descent; as in AIP-160, OR binds more tightly than AND."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.position = 0
        self.comparisons = 0

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self) -> tuple[str, str]:
        token = self._peek()
        if token is None:
            raise _error("ends too early")
        self.position += 1
        return token

    def expression(self, depth: int) -> Expr:
        items = [self._factor(depth)]
        while self._peek() == ("word", "AND"):
            self.position += 1
            items.append(self._factor(depth))
        return items[0] if len(items) == 1 else All(tuple(items))

    def _factor(self, depth: int) -> Expr:
        items = [self._term(depth)]
        while self._peek() == ("word", "OR"):
            self.position += 1
            items.append(self._term(depth))
        return items[0] if len(items) == 1 else Any(tuple(items))

    def _term(self, depth: int) -> Expr:
        if depth > MAX_DEPTH:
            raise _error(f"nests deeper than {MAX_DEPTH} levels (parentheses and NOT)")
        token = self._take()
        if token in (("word", "NOT"), ("minus", "-")):
            return Not(self._term(depth + 1))
        if token == ("paren", "("):
            inner = self.expression(depth + 1)
            if self._take() != ("paren", ")"):
                raise _error("a parenthesis is not closed")
            return inner
        if token[0] != "word":
            raise _error(f"expected a field name, found {token[1]!r}")
        self.comparisons += 1
        if self.comparisons > MAX_COMPARISONS:
            raise _error(f"has more than {MAX_COMPARISONS} comparisons")
        op = self._take()
        if op[0] != "op":
            raise _error(f"expected an operator after {token[1]}")
        return _comparison(token[1], op[1], self._take())


def _comparison(field: str, op: str, value: tuple[str, str]) -> Compare:
    kind, raw = value
    text = re.sub(r"\\(.)", r"\1", raw[1:-1]) if kind == "string" else raw
    if field == "state":
        if op not in ("=", "!=") or raw.removeprefix("STATE_") not in ("ACTIVE", "SUSPENDED"):
            raise _error("state is compared with = or != to ACTIVE or SUSPENDED")
        return Compare("state", op, int(State[raw.removeprefix("STATE_")]))
    if kind not in ("string", "word"):
        raise _error(f"expected a value after {field} {op}")
    if field in TIME_FIELDS:
        return Compare(field, _time_op(field, op), _micros(field, text, kind))
    if field == "labels" and op == ":":
        return Compare(f"labels.{_label_key(text)}", "has", "")
    if field.startswith("labels."):
        key = _label_key(field.removeprefix("labels."))
        if op == ":" and text == "*":
            return Compare(f"labels.{key}", "has", "")
        return Compare(f"labels.{key}", _text_op(field, op), text)
    if field in TEXT_FIELDS:
        return _text(field, _text_op(field, op), text, kind)
    raise _error(
        f"cannot filter on {field!r}; use state, email, display_name, labels, "
        "create_time or update_time"
    )


def _text(field: str, op: str, text: str, kind: str) -> Compare:
    if kind != "string":
        raise _error(f"{field} must be compared with a quoted string")
    if field == "email" and op != ":":
        return Compare("email_key", op, email_key(text))
    if field == "email":
        return Compare("email_key", ":", email_key(text))
    if op == "=" and text.endswith("*"):
        return Compare(field, "prefix", text[:-1])
    return Compare(field, op, text)


def _text_op(field: str, op: str) -> str:
    if op not in ("=", "!=", ":"):
        raise _error(f"{field} is compared with =, != or :")
    return op


def _time_op(field: str, op: str) -> str:
    if op == ":":
        raise _error(f"{field} is compared with =, !=, <, <=, > or >=")
    return op


def _micros(field: str, text: str, kind: str) -> int:
    try:
        moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        moment = None
    if kind != "string" or moment is None or moment.tzinfo is None:
        raise _error(
            f'{field} is compared with a quoted RFC 3339 time such as "2026-01-31T00:00:00Z"'
        )
    return round(moment.timestamp() * 1_000_000)


def _label_key(key: str) -> str:
    if not LABEL_KEY.fullmatch(key):
        raise _error(f"{key!r} is not a label key")
    return key


def matches(expr: Expr | None, user: User) -> bool:
    """Whether `user` satisfies `expr`; None (no filter) matches every user."""
    if expr is None:
        return True
    if isinstance(expr, Not):
        return not matches(expr.item, user)
    if isinstance(expr, All):
        return all(matches(item, user) for item in expr.items)
    if isinstance(expr, Any):
        return any(matches(item, user) for item in expr.items)
    return _holds(expr, _value_of(expr.field, user))


def _value_of(field: str, user: User) -> str | int | None:
    if field.startswith("labels."):
        return user.labels.get(field.removeprefix("labels."))
    if field in TIME_FIELDS:
        moment: datetime = getattr(user, field)
        return round(moment.timestamp() * 1_000_000)
    if field == "email_key":
        return email_key(user.email)
    if field == "state":
        return int(user.state)
    value: str = getattr(user, field)
    return value


def _holds(compare: Compare, actual: str | int | None) -> bool:
    wanted = compare.value
    if compare.op == "=":
        return actual == wanted
    if compare.op == "!=":
        return actual != wanted
    if compare.op == "prefix":
        return isinstance(actual, str) and actual.startswith(str(wanted))
    if compare.op == "has":
        return actual is not None
    if compare.op == ":":
        return actual is not None and str(wanted) in str(actual)
    if not isinstance(actual, int) or not isinstance(wanted, int):
        return False
    return {
        "<": actual < wanted,
        "<=": actual <= wanted,
        ">": actual > wanted,
        ">=": actual >= wanted,
    }[compare.op]
