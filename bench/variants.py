"""Roster with one experimental change, to measure a decision before making it.

`python -m bench.variants pool-reads serve`: point reads (GetUser) go through the
reader thread pool like every other read, instead of running on the event loop.
`python -m bench.variants one-commit serve`: the writer commits every write on
its own (no group commit), the rate the group commit is compared with.
`make bench` runs those two; the outcome is in bench/results.md. Two more take parts
away to show where a GetUser's CPU goes (run by hand, see bench/README.md):
`no-layers` serves without the call pipeline's layers (no spans, metrics, error
boundary or limits), and `canned` additionally answers GetUser with the first
response it built, so neither the store nor the conversion runs.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from roster_user import cli
from roster_user.api.servicer import UserServicer
from roster_user.pipeline import chain
from roster_user.store.sqlite import store as sqlite_store

T = TypeVar("T")
_group_commit_init = sqlite_store.SqliteStore.__init__


async def _lookup_on_pool(
    self: sqlite_store.SqliteStore, fn: Callable[[sqlite3.Connection], T]
) -> T:
    return await self._read(fn)


def _one_commit_init(self: sqlite_store.SqliteStore, path: Path, **options: Any) -> None:
    _group_commit_init(self, path, **{**options, "max_batch": 1})


def _no_layers(*args: Any, **kwargs: Any) -> list[Any]:
    return []


def _canned() -> None:
    answered: list[Any] = []
    build = UserServicer.GetUser

    async def get_user(self: UserServicer, request: Any, context: Any) -> Any:
        if not answered:
            answered.append(await build(self, request, context))
        return answered[0]

    UserServicer.GetUser = get_user  # type: ignore[method-assign]


def main(variant: str, argv: list[str]) -> int:
    """Apply the variant, then run the ordinary command line."""
    if variant in ("no-layers", "canned"):
        chain.layers = _no_layers  # type: ignore[assignment]
        if variant == "canned":
            _canned()
    elif variant == "pool-reads":
        sqlite_store.SqliteStore._lookup = _lookup_on_pool  # type: ignore[method-assign]
    elif variant == "one-commit":
        sqlite_store.SqliteStore.__init__ = _one_commit_init  # type: ignore[method-assign]
    else:
        raise SystemExit(f"unknown variant {variant!r}")
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
