"""Concurrency: etags, unique emails and request ids hold under simultaneous calls."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

from roster.user.v1 import user_pb2
from roster_client import AbortedError, AlreadyExistsError, UserClient
from tests.conftest import a_user


async def outcome(call: asyncio.Future[object] | object) -> str:
    """'OK' or the name of the error a call ended with."""
    try:
        await call  # type: ignore[misc]
    except (AbortedError, AlreadyExistsError) as error:
        return error.code.name
    return "OK"


async def test_fifty_concurrent_updates_with_one_etag_give_one_ok_and_forty_nine_aborted(
    client: UserClient,
) -> None:
    user = await client.create_user(a_user(1), user_id="contended")
    calls = [
        client.update_user(
            user_pb2.User(name=user.name, display_name=f"writer {n}", etag=user.etag),
            ["display_name"],
        )
        for n in range(50)
    ]
    outcomes = Counter(await asyncio.gather(*(outcome(call) for call in calls)))
    assert outcomes == {"OK": 1, "ABORTED": 49}


async def test_a_hundred_concurrent_creates_of_one_email_in_different_cases_give_one_user(
    client: UserClient,
) -> None:
    variants = ["same@example.com".upper() if n % 2 else "Same@Example.com" for n in range(100)]
    calls = [client.create_user(a_user(email=email)) for email in variants]
    outcomes = Counter(await asyncio.gather(*(outcome(call) for call in calls)))
    assert outcomes == {"OK": 1, "ALREADY_EXISTS": 99}


async def test_a_thousand_creates_each_sent_three_times_with_one_request_id_give_a_thousand_users(
    client: UserClient,
) -> None:
    requests = [(a_user(f"idem{n}"), str(uuid.uuid4())) for n in range(1000)]
    for start in range(0, 1000, 100):
        wave = requests[start : start + 100]
        calls = [client.create_user(user, request_id=rid) for user, rid in wave for _ in range(3)]
        results = await asyncio.gather(*calls)
        for n in range(len(wave)):
            assert results[3 * n] == results[3 * n + 1] == results[3 * n + 2]
    names = [user.name async for user in client.iter_users(page_size=1000)]
    assert len(names) == len(set(names)) == 1000
