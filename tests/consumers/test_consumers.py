"""Each client, packaged and used from a project outside the repository, against a live server.

Per language: build the package, install it the way a user would into a fresh
project in a temporary directory, and run that project's program through the
scenario in tests/consumers/scenario.py: the policy it embeds, paging, and a
resuming watch across a server restart and a network cut-off.
"""

from __future__ import annotations

import asyncio
import json
import secrets

import pytest

from tests.consumers.packages import BUILDERS, ROOT, Consumer
from tests.consumers.scenario import Run, drive

POLICY = ROOT / "proto" / "roster" / "user" / "v1" / "user_grpc_service_config.json"
RECORDS = ROOT / "build" / "consumers"

pytestmark = pytest.mark.slow


@pytest.fixture(params=sorted(BUILDERS), scope="module")
def consumer(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Consumer:
    """One language's consumer, built once for the module's tests."""
    language: str = request.param
    return BUILDERS[language](tmp_path_factory.mktemp(language))


@pytest.fixture(scope="module")
def finished(consumer: Consumer, tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, int]:
    """The consumer driven through the whole scenario once; its record is kept in build/."""
    tag = f"{consumer.language}-{secrets.token_hex(3)}"
    data = tmp_path_factory.mktemp(f"{consumer.language}-data")
    run = Run(tag)
    try:
        code = asyncio.run(drive(consumer, data, run))
    finally:
        RECORDS.mkdir(parents=True, exist_ok=True)
        record = "\n".join(run.record) + "\n"
        (RECORDS / f"{consumer.language}-watch-resume.txt").write_text(record)
    return run, code


def test_the_consumer_exits_zero_after_the_stop_user(finished: tuple[Run, int]) -> None:
    """The program ran to its end: every step before the watch passed and the watch ended cleanly."""
    run, code = finished
    assert code == 0, "\n".join(run.record)


def test_the_client_applies_the_repository_policy_file(finished: tuple[Run, int]) -> None:
    """The service config the packaged client embeds is the contract's policy file."""
    run, _ = finished
    printed = run.first("policy")
    assert printed is not None, "\n".join(run.record)
    assert json.loads(printed) == json.loads(POLICY.read_text())


def test_the_pager_walks_every_page_of_a_query_with_every_request_field(
    finished: tuple[Run, int],
) -> None:
    """Filter, order (descending), show_deleted and a page size of one: all three users, in order."""
    run, _ = finished
    names = [f"users/{run.tag}-p{n}" for n in (3, 2, 1)]
    assert run.first("paged") == ",".join(names), "\n".join(run.record)


def test_the_watch_delivers_every_change_once_across_a_restart_and_a_cut(
    finished: tuple[Run, int],
) -> None:
    """Changes before, during and after both outages arrive in order, none missing or repeated."""
    run, _ = finished
    changes = run.changes()
    assert [(kind, name) for _, kind, name in changes] == run.expected, "\n".join(run.record)
    revisions = [revision for revision, _, _ in changes]
    assert revisions == sorted(set(revisions)), "\n".join(run.record)
