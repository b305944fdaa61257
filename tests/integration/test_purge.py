"""PurgeUser and retention over RPC: erasure, reuse, watch replay, expiry, on both stores."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import grpc
import pytest

from roster.user.v1 import user_pb2
from roster.user.v1 import user_service_pb2 as pb
from roster_client import (
    AbortedError,
    AlreadyExistsError,
    FailedPreconditionError,
    InvalidArgumentError,
    NotFoundError,
    UserClient,
)
from roster_user.config import Settings
from roster_user.lifecycle import shutdown
from roster_user.lifecycle.running import Running
from roster_user.server import build_server
from tests.conftest import a_user, with_settings
from tests.integration.test_watch import changes, next_event
from tests.monitoring.scrape import Scrape
from tests.observability.scraping import scrape, value
from tests.support.errors import assert_error
from tests.support.waiting import until

PURGED = pb.WatchUsersResponse.EVENT_TYPE_PURGED
PERSONAL = ("email", "display_name", "external_id")


async def a_deleted_user(client: UserClient, user_id: str, **fields: object) -> user_pb2.User:
    """A user with personal data in every field, created and then soft-deleted."""
    values: dict[str, object] = {"labels": {"team": "blue"}, "external_id": f"hr-{user_id}"}
    user = await client.create_user(a_user(user_id, **{**values, **fields}), user_id=user_id)
    return await client.delete_user(user.name)


def personal_data(user: user_pb2.User) -> dict[str, object]:
    """The personal fields of a user message that are set."""
    found: dict[str, object] = {name: getattr(user, name) for name in PERSONAL}
    found["labels"] = dict(user.labels)
    return {name: content for name, content in found.items() if content}


async def test_purging_a_deleted_user_makes_it_not_found(client: UserClient) -> None:
    deleted = await a_deleted_user(client, "gone")
    purged = await client.purge_user("users/gone", etag=deleted.etag)
    assert (purged.name, purged.uid) == ("users/gone", deleted.uid)
    with pytest.raises(NotFoundError):
        await client.get_user("users/gone")
    with pytest.raises(NotFoundError):
        await client.purge_user("users/gone")


async def test_purging_a_user_that_is_not_deleted_is_a_failed_precondition(
    client: UserClient,
) -> None:
    live = await client.create_user(a_user("live"), user_id="live")
    with pytest.raises(FailedPreconditionError) as caught:
        await client.purge_user("users/live")
    assert_error(caught.value, grpc.StatusCode.FAILED_PRECONDITION, "USER_NOT_DELETED")
    assert await client.get_user("users/live") == live


async def test_a_forced_purge_erases_a_user_that_is_not_deleted(client: UserClient) -> None:
    # Authentication is off here, so every call may use every scope (tests/security
    # covers the users.admin scope a forced purge needs when it is on).
    await client.create_user(a_user("live"), user_id="live")
    await client.purge_user("users/live", force=True)
    with pytest.raises(NotFoundError):
        await client.get_user("users/live")


async def test_a_purge_with_a_stale_etag_is_aborted(client: UserClient) -> None:
    deleted = await a_deleted_user(client, "stale")
    await client.undelete_user(deleted.name)
    await client.delete_user(deleted.name)
    with pytest.raises(AbortedError):
        await client.purge_user(deleted.name, etag=deleted.etag)
    assert (await client.get_user(deleted.name)).uid == deleted.uid


async def test_the_email_and_user_id_of_a_purged_user_can_be_used_again_but_not_its_uid(
    client: UserClient,
) -> None:
    deleted = await a_deleted_user(client, "again", email="Again@Example.com")
    with pytest.raises(AlreadyExistsError):
        await client.create_user(a_user("x", email="again@example.com"))
    await client.purge_user("users/again")
    reborn = await client.create_user(a_user("again", email="again@example.com"), user_id="again")
    assert reborn.name == "users/again" and reborn.uid != deleted.uid


async def test_the_request_id_that_created_a_purged_user_no_longer_returns_it(
    client: UserClient,
) -> None:
    request_id = str(uuid.uuid4())
    user = await client.create_user(a_user("idem"), user_id="idem", request_id=request_id)
    assert await client.create_user(a_user("idem"), user_id="idem", request_id=request_id) == user
    await client.delete_user(user.name)
    await client.purge_user(user.name)
    with pytest.raises(InvalidArgumentError) as caught:
        await client.create_user(a_user("idem"), user_id="idem", request_id=request_id)
    assert_error(
        caught.value, grpc.StatusCode.INVALID_ARGUMENT, "REQUEST_ID_PURGED", field="request_id"
    )
    assert user.email not in caught.value.message


async def replay(client: UserClient, after: int, count: int) -> list[pb.WatchUsersResponse]:
    """The first `count` changes after revision `after`, read by a new watcher."""
    stream = client.watch_users(after)
    try:
        return await changes(stream, count)
    finally:
        await stream.aclose()


async def test_a_watch_replay_after_a_purge_keeps_the_revisions_but_no_personal_data(
    client: UserClient,
) -> None:
    # The log's first revision cannot be a start_revision (0 means "from now"),
    # so a bystander takes it and the replay starts right after it.
    live = client.watch_users()
    await next_event(live)  # the bookmark
    await client.create_user(a_user("bystander"), user_id="bystander")
    deleted = await a_deleted_user(client, "erased", display_name="Erased Person")
    first = (await changes(live, 3))[0].revision  # the bystander's
    before = await replay(client, first, 2)
    assert personal_data(before[0].user)["email"] == deleted.email
    await client.purge_user(deleted.name)
    purge = (await changes(live, 1))[0]
    after = await replay(client, first, 3)
    assert [e.revision for e in after[:2]] == [e.revision for e in before]
    assert [e.event_type for e in after[:2]] == [e.event_type for e in before]
    assert [personal_data(e.user) for e in after] == [{}, {}, {}]
    assert {e.user.uid for e in after} == {deleted.uid}
    assert after[2] == purge and purge.event_type == PURGED
    assert purge.user == user_pb2.User(name="users/erased", uid=deleted.uid)


async def test_a_deleted_user_shows_when_it_will_be_purged(
    client: UserClient, settings: Settings
) -> None:
    live = await client.create_user(a_user("shown"), user_id="shown")
    assert not live.HasField("expire_time")
    deleted = await client.delete_user(live.name)
    retention = timedelta(seconds=settings.purge_after_seconds)
    expected = deleted.delete_time.ToDatetime() + retention
    assert deleted.expire_time.ToDatetime() == expected
    assert (await client.get_user(live.name)).expire_time == deleted.expire_time
    assert not (await client.undelete_user(live.name)).HasField("expire_time")


@pytest.fixture
async def short_retention(settings: Settings) -> AsyncIterator[Running]:
    """A server purging deleted users and forgetting request ids moments after."""
    running = await build_server(
        with_settings(
            settings,
            purge_after_seconds=0.2,
            idempotency_retention_seconds=0.2,
            retention_sweep_seconds=0.05,
        )
    )
    try:
        yield running
    finally:
        await shutdown.drain(running)


async def test_a_deleted_user_is_purged_once_its_retention_ends_and_the_purge_is_audited(
    short_retention: Running, caplog: pytest.LogCaptureFixture
) -> None:
    async with UserClient(short_retention.address) as client:
        with caplog.at_level(logging.INFO):
            kept = await client.create_user(a_user("kept"), user_id="kept")
            deleted = await a_deleted_user(client, "expiring")

            async def purged() -> bool:
                try:
                    await client.get_user(deleted.name)
                except NotFoundError:
                    return True
                return False

            def audits() -> list[logging.LogRecord]:
                return [r for r in caplog.records if r.getMessage() == "user purged"]

            await until(purged, "the expired user to be purged")
            # The sweep logs once its transaction is committed, which readers may see first.
            await until(lambda: bool(audits()), "the purge's audit line")
        assert await client.get_user(kept.name) == kept
    assert [(r.uid, r.reason, r.subject) for r in audits()] == [  # type: ignore[attr-defined]
        (deleted.uid, "expired", "roster-user/retention")
    ]
    assert not [r for r in caplog.records if deleted.email in r.getMessage() + str(vars(r))]
    page: Scrape = await scrape(short_retention.metrics_address)
    assert value(page, "roster_users_purged_total", cause="expired") == 1


async def test_a_request_id_is_forgotten_once_the_idempotency_period_ends(
    short_retention: Running,
) -> None:
    request_id = str(uuid.uuid4())
    async with UserClient(short_retention.address) as client:
        await client.create_user(a_user("once"), user_id="once", request_id=request_id)

        async def forgotten() -> bool:
            try:
                await client.create_user(a_user("once"), user_id="once", request_id=request_id)
            except AlreadyExistsError:  # created anew, not replayed: the record is gone
                return True
            return False

        await until(forgotten, "the idempotency record to expire")


async def test_manual_purges_are_counted_by_cause(server: Running, client: UserClient) -> None:
    await a_deleted_user(client, "asked")
    await client.purge_user("users/asked")
    await client.create_user(a_user("forced"), user_id="forced")
    await client.purge_user("users/forced", force=True)
    page = await scrape(server.metrics_address)
    assert value(page, "roster_users_purged_total", cause="request") == 1
    assert value(page, "roster_users_purged_total", cause="forced") == 1
