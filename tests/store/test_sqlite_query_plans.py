"""SQLite-only: the statements run per request or per feed poll use an index.

A full scan of the users or the change log grows with the data and costs
nothing on an empty test database, so the plans are checked, not the times.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from roster_user.store.sqlite import queries as q
from roster_user.store.sqlite import schema as sqlite_schema

# Statement -> sample parameters. These run for every call, write or feed poll.
PER_REQUEST = {
    "GET": (q.GET, ("u1",)),
    "EXISTS": (q.EXISTS, ("u1",)),
    "EMAIL_TAKEN": (q.EMAIL_TAKEN, ("a@example.com",)),
    "REQUEST_ID": (q.REQUEST_ID, ("r1",)),
    "CHANGES_AFTER": (q.CHANGES_AFTER, (0, 10)),
    "REVISION_BOUNDS": (q.REVISION_BOUNDS, ()),
    "PRUNE": (q.PRUNE, (10,)),
}


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    """A connection to a database with the newest schema and no rows."""
    path: Path = tmp_path_factory.mktemp("plans") / "roster.db"
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        sqlite_schema.apply(conn)
        yield conn
    finally:
        conn.close()


@pytest.mark.parametrize("name", sorted(PER_REQUEST))
def test_statement_never_scans_a_whole_table(migrated: sqlite3.Connection, name: str) -> None:
    sql, params = PER_REQUEST[name]
    plan = [row[3] for row in migrated.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
    scans = [step for step in plan if step.startswith("SCAN") and step != "SCAN CONSTANT ROW"]
    assert plan, f"{name}: no plan"
    assert not scans, f"{name} scans: {plan}"


def test_the_old_revision_bounds_query_would_have_been_caught(
    migrated: sqlite3.Connection,
) -> None:
    # min() and max() in one SELECT: SQLite scans the change log for the pair.
    plan = [
        row[3]
        for row in migrated.execute(
            "EXPLAIN QUERY PLAN SELECT min(revision), max(revision) FROM changes"
        )
    ]
    assert any(step.startswith("SCAN changes") for step in plan), plan
