"""Roster with one experimental change, to measure a decision before making it.

`python -m bench.variants pool-reads serve`: point reads (GetUser) go through the
reader thread pool like every other read, instead of running on the event loop.
`python -m bench.variants one-commit serve`: the writer commits every write on
its own (no group commit), the rate the group commit is compared with.
The rest take parts away to show where a GetUser's CPU goes, each layer's price
being the difference from the full pipeline in the same run (bench/README.md):
`no-<layer>` serves without one layer of the call pipeline (metadata-limit,
metrics, admission, boundary or limits; spans and auth are switched by
their own settings), `no-layers` without any of them, and `canned` additionally
answers GetUser with the first response it built, so neither the store nor the
conversion runs. `make bench` runs them all; the outcome is in bench/results.md.
Only this process changes: production settings and code stay as they are.
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
from roster_user.pipeline.admission import Admission
from roster_user.pipeline.boundary import ErrorBoundary
from roster_user.pipeline.layer import Use
from roster_user.pipeline.limits import CallLimits
from roster_user.pipeline.metadata import MetadataLimit
from roster_user.pipeline.metrics import RpcMetrics
from roster_user.store.sqlite import store as sqlite_store

T = TypeVar("T")
_group_commit_init = sqlite_store.SqliteStore.__init__
_full_chain = chain.layers

# `no-<name>`: the pipeline without the layer of this type.
LAYERS: dict[str, type] = {
    "metadata-limit": MetadataLimit,
    "metrics": RpcMetrics,
    "admission": Admission,
    "boundary": ErrorBoundary,
    "limits": CallLimits,
}


async def _lookup_on_pool(
    self: sqlite_store.SqliteStore, fn: Callable[[sqlite3.Connection], T]
) -> T:
    return await self._read(fn)


def _one_commit_init(self: sqlite_store.SqliteStore, path: Path, **options: Any) -> None:
    _group_commit_init(self, path, **{**options, "max_batch": 1})


def _no_layers(*args: Any, **kwargs: Any) -> list[Any]:
    return []


def _without(kind: type) -> None:
    def layers(*args: Any, **kwargs: Any) -> list[Use]:
        return [use for use in _full_chain(*args, **kwargs) if not isinstance(use.layer, kind)]

    chain.layers = layers


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
    elif variant.removeprefix("no-") in LAYERS:
        _without(LAYERS[variant.removeprefix("no-")])
    elif variant == "pool-reads":
        sqlite_store.SqliteStore._lookup = _lookup_on_pool  # type: ignore[method-assign]
    elif variant == "one-commit":
        sqlite_store.SqliteStore.__init__ = _one_commit_init  # type: ignore[method-assign]
    else:
        raise SystemExit(f"unknown variant {variant!r}")
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
