"""UserClientV2 keeps v1's conventions: deadline, retries on UNAVAILABLE, typed errors, request_id.

Against a recording v2 servicer (the client is under test), and against the real server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest

from roster.user.v2 import user_pb2, user_service_pb2_grpc
from roster.user.v2 import user_service_pb2 as pb
from roster_client import NotFoundError
from roster_client.v2 import UserClientV2
from roster_user.lifecycle.running import Running

WIRE_ROUNDING = 0.1  # grpc-timeout's resolution for deadlines of 10 to 100 seconds


class Recording(user_service_pb2_grpc.UserServiceServicer):
    """Fails the first `failures` creates with UNAVAILABLE, then echoes; records what it got."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.requests: list[pb.CreateUserRequest] = []
        self.deadlines: list[float | None] = []

    async def CreateUser(self, request: pb.CreateUserRequest, context: Any) -> user_pb2.User:
        self.requests.append(request)
        self.deadlines.append(context.time_remaining())
        if len(self.requests) <= self.failures:
            await context.abort(grpc.StatusCode.UNAVAILABLE, "draining")
        return user_pb2.User(name=f"users/{request.user_id}", email=request.user.email)

    async def GetUser(self, request: pb.GetUserRequest, context: Any) -> user_pb2.User:
        await context.abort(grpc.StatusCode.NOT_FOUND, f"{request.name} does not exist")
        raise AssertionError("abort returned")


@pytest.fixture
async def recording() -> AsyncIterator[tuple[Recording, str]]:
    """A plain gRPC server on port 0 serving the recording servicer."""
    servicer = Recording(failures=2)  # type: ignore[abstract]
    server = grpc.aio.server()
    user_service_pb2_grpc.add_UserServiceServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        yield servicer, f"127.0.0.1:{port}"
    finally:
        await server.stop(None)


async def test_a_create_is_retried_on_unavailable_with_one_request_id_and_a_deadline(
    recording: tuple[Recording, str],
) -> None:
    servicer, address = recording
    async with UserClientV2(address, timeout=30) as users:
        created = await users.create_user(user_pb2.User(email="r@example.com"), user_id="r")
    assert created.name == "users/r"
    assert len(servicer.requests) == 3
    request_ids = {request.request_id for request in servicer.requests}
    assert len(request_ids) == 1 and len(next(iter(request_ids))) == 36
    # The client's 30 s travels as grpc-timeout, which grpc core rounds *up* to fit its
    # 8-digit field (to 100 ms between 10 s and 100 s), so the server may see up to 30.1 s.
    assert all(
        remaining is not None and 25 < remaining <= 30 + WIRE_ROUNDING
        for remaining in servicer.deadlines
    ), servicer.deadlines


async def test_a_failed_call_raises_the_typed_error(recording: tuple[Recording, str]) -> None:
    _, address = recording
    async with UserClientV2(address) as users:
        with pytest.raises(NotFoundError):
            await users.get_user("users/nobody")


async def test_the_v2_client_runs_the_lifecycle_against_the_real_server(server: Running) -> None:
    async with UserClientV2(server.address) as users:
        made = await users.batch_create_users(
            [
                (user_pb2.User(email="p@example.com"), "p"),
                (user_pb2.User(email="q@example.com"), ""),
            ]
        )
        suspended = await users.suspend_user(made[0].name, reason="r", etag=made[0].etag)
        assert suspended.state == user_pb2.User.STATE_SUSPENDED
        active = await users.activate_user(made[0].name)
        assert active.state_reason == "" and active.state == user_pb2.User.STATE_ACTIVE
        page = await users.list_users(filter='email:"q@"', read_mask=["name"])
        assert list(page.users) == [user_pb2.User(name=made[1].name)]
        deleted = await users.delete_user(made[1].name)
        assert deleted.HasField("delete_time")
        purged = await users.purge_user(made[1].name)
        assert purged.uid == made[1].uid
