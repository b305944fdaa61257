"""Overload from the outside: many concurrent calls over many channels, every outcome kept.

Raw stubs, not roster_client: its retry policy would hide the first answer, and
the first answer is what these tests are about.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
from collections.abc import Callable
from typing import Any

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from roster.user.v1 import user_service_pb2 as pb
from roster.user.v1 import user_service_pb2_grpc

Stub = user_service_pb2_grpc.UserServiceStub
# The stubs are typed for the blocking API; on an aio channel each call is awaitable.
Send = Callable[[Stub], Any]


def get_user(name: str, timeout: float = 120) -> Send:
    """A GetUser of `name`; the deadline is generous: these tests are not about deadlines."""
    return lambda stub: stub.GetUser(pb.GetUserRequest(name=name), timeout=timeout)


@dataclasses.dataclass(frozen=True, slots=True)
class Refusal:
    """A failed call as the caller sees it: its code, ErrorInfo reason and RetryInfo delay."""

    code: grpc.StatusCode
    reason: str
    retry_seconds: float | None


@dataclasses.dataclass
class Outcomes:
    """What every call of a burst ended with."""

    codes: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    refusals: list[Refusal] = dataclasses.field(default_factory=list)

    def record(self, error: grpc.aio.AioRpcError | None) -> None:
        """Count one call's outcome; keep a failure's details."""
        if error is None:
            self.codes["OK"] += 1
            return
        self.codes[error.code().name] += 1
        self.refusals.append(refusal_of(error))


def refusal_of(error: grpc.aio.AioRpcError) -> Refusal:
    """The code and google.rpc details of a failed call (empty reason when there are none)."""
    reason, retry = "", None
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    for detail in status.details if status is not None else []:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            reason = info.reason
        elif detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
            delay = error_details_pb2.RetryInfo()
            detail.Unpack(delay)
            retry = delay.retry_delay.ToNanoseconds() / 1e9
    return Refusal(error.code(), reason, retry)


async def burst(address: str, send: Send, *, calls: int, channels: int) -> Outcomes:
    """Send `calls` calls at once, spread over `channels` connections; every outcome recorded."""
    outcomes = Outcomes()
    # A subchannel pool per channel: otherwise grpc shares one connection among them.
    options = [("grpc.use_local_subchannel_pool", 1)]
    opened = [grpc.aio.insecure_channel(address, options=options) for _ in range(channels)]
    stubs = [Stub(channel) for channel in opened]

    async def one(stub: Stub) -> None:
        try:
            await send(stub)
        except grpc.aio.AioRpcError as error:
            outcomes.record(error)
        else:
            outcomes.record(None)

    try:
        await asyncio.gather(*(one(stubs[n % channels]) for n in range(calls)))
    finally:
        for channel in opened:
            await channel.close()
    return outcomes
