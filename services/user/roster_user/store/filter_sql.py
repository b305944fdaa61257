"""The v2 filter tree (domain/filter.py) as a SQL condition, for either SQL dialect."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from roster_user.domain.filter import All, Any, Compare, Expr, Not


@dataclasses.dataclass(frozen=True, slots=True)
class Dialect:
    """How one database spells what the filter needs; `mark` is its parameter placeholder.

    Every term is true or false, never NULL, so NOT and OR behave as in
    domain.filter.matches: `label` yields NULL for a missing key, and the
    equality ops compare it with `same`/`differs` (IS / IS NOT DISTINCT FROM).
    """

    mark: str
    label: Callable[[str], str]  # the SQL text of a label's value, given the key's mark
    same: str
    differs: str
    contains: Callable[[str, str], str]  # (column, mark) -> "column contains mark"


SQLITE = Dialect(
    mark="?",
    label=lambda mark: f"json_extract(labels, '$.\"' || {mark} || '\"')",
    same="IS",
    differs="IS NOT",
    contains=lambda column, mark: f"instr({column}, {mark}) > 0",
)
POSTGRES = Dialect(
    mark="%s",
    label=lambda mark: f"(labels ->> {mark}::text)",
    same="IS NOT DISTINCT FROM",
    differs="IS DISTINCT FROM",
    contains=lambda column, mark: f"strpos({column}, {mark}) > 0",
)


def condition(expr: Expr, dialect: Dialect, params: list[object]) -> str:
    """The SQL text for `expr`; its parameters are appended to `params` in order."""
    if isinstance(expr, Not):
        return f"NOT ({condition(expr.item, dialect, params)})"
    if isinstance(expr, All | Any):
        joiner = " AND " if isinstance(expr, All) else " OR "
        return "(" + joiner.join(condition(item, dialect, params) for item in expr.items) + ")"
    return _compare(expr, dialect, params)


def _compare(compare: Compare, dialect: Dialect, params: list[object]) -> str:
    mark = dialect.mark
    column = compare.field
    if column.startswith("labels."):
        params.append(column.removeprefix("labels."))
        column = dialect.label(mark)
        if compare.op == "has":
            return f"{column} IS NOT NULL"
    if compare.op == "prefix":
        params += [len(str(compare.value)), compare.value]
        return f"substr({column}, 1, {mark}) = {mark}"
    params.append(compare.value)
    if compare.op == ":":
        return f"coalesce({dialect.contains(column, mark)}, FALSE)"
    op = {"=": dialect.same, "!=": dialect.differs}.get(compare.op, compare.op)
    return f"{column} {op} {mark}"
