"""UserClient: one method per RPC, a default deadline, retries and typed errors."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Sequence
from types import TracebackType
from typing import Self, TypeVar

import grpc
from google.protobuf import field_mask_pb2
from opentelemetry import trace

from roster.user.v1 import user_pb2, user_service_pb2_grpc
from roster.user.v1 import user_service_pb2 as pb
from roster_client import handshake
from roster_client.errors import RosterError, from_rpc_error
from roster_client.tls import TlsConfig
from roster_client.tracing import tracing_interceptors

T = TypeVar("T")
SERVICE = "roster.user.v1.UserService"
# UNAVAILABLE means the call did not run (server draining, restarting or
# unreachable), so every method may be retried: creates carry a request_id
# and updates an etag, which make a repeat harmless.
SERVICE_CONFIG = {
    "methodConfig": [
        {
            "name": [{"service": SERVICE}],
            "retryPolicy": {
                "maxAttempts": 5,
                "initialBackoff": "0.05s",
                "maxBackoff": "2s",
                "backoffMultiplier": 2,
                "retryableStatusCodes": ["UNAVAILABLE"],
            },
        }
    ]
}


class UserClient:
    """An async client for UserService; use as `async with UserClient(target) as users:`.

    `token` is a JWT sent as `authorization: Bearer <token>` on every call.
    """

    def __init__(
        self,
        target: str,
        *,
        timeout: float = 10.0,
        tls: TlsConfig | None = None,
        metadata: Sequence[tuple[str, str]] = (),
        token: str | None = None,
        interceptors: Sequence[grpc.aio.ClientInterceptor] | None = None,
        tracer_provider: trace.TracerProvider | None = None,
        channel_options: Sequence[tuple[str, object]] = (),
    ) -> None:
        """Connect lazily to `target`; a `tracer_provider` turns on client spans.

        `channel_options` are gRPC channel arguments (keepalive, message size
        limits, ...); one named like a default below replaces it.
        """
        if tracer_provider is not None:
            interceptors = [*tracing_interceptors(tracer_provider), *(interceptors or ())]
        chosen: dict[str, object] = {
            "grpc.service_config": json.dumps(SERVICE_CONFIG),
            "grpc.enable_retries": 1,
        }
        if tls is not None and tls.server_name:
            chosen["grpc.ssl_target_name_override"] = tls.server_name
        chosen.update(channel_options)
        options = list(chosen.items())
        if tls is None:
            self.channel = grpc.aio.insecure_channel(
                target, options=options, interceptors=interceptors
            )
        else:
            self.channel = grpc.aio.secure_channel(
                target, tls.credentials(), options=options, interceptors=interceptors
            )
        self._stub = user_service_pb2_grpc.UserServiceStub(self.channel)
        self._timeout = timeout
        self._tls = tls is not None
        # A bearer token rides in metadata rather than call credentials so that it
        # also works on plaintext channels (local runs, tests behind a TLS proxy).
        bearer = (("authorization", f"Bearer {token}"),) if token else ()
        self._metadata = (*tuple(metadata), *bearer)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the channel."""
        await self.channel.close()

    def _error(self, error: grpc.aio.AioRpcError) -> RosterError:
        """The typed exception for a failed call; a failed TLS handshake says so."""
        return handshake.explain(from_rpc_error(error), tls=self._tls)

    async def _call(
        self, call: Callable[..., Awaitable[T]], request: object, timeout: float | None
    ) -> T:
        try:
            return await call(request, timeout=timeout or self._timeout, metadata=self._metadata)
        except grpc.aio.AioRpcError as error:
            raise self._error(error) from None

    async def get_user(self, name: str, *, timeout: float | None = None) -> user_pb2.User:
        """GetUser."""
        response = await self._call(self._stub.GetUser, pb.GetUserRequest(name=name), timeout)
        return response.user

    async def batch_get_users(
        self, names: Sequence[str], *, timeout: float | None = None
    ) -> list[user_pb2.User]:
        """BatchGetUsers, in the order asked."""
        request = pb.BatchGetUsersRequest(names=list(names))
        return list((await self._call(self._stub.BatchGetUsers, request, timeout)).users)

    async def list_users(
        self,
        *,
        filter: str = "",
        order_by: str = "",
        page_size: int = 0,
        page_token: str = "",
        show_deleted: bool = False,
        timeout: float | None = None,
    ) -> pb.ListUsersResponse:
        """ListUsers: one page."""
        request = pb.ListUsersRequest(
            filter=filter,
            order_by=order_by,
            page_size=page_size,
            page_token=page_token,
            show_deleted=show_deleted,
        )
        return await self._call(self._stub.ListUsers, request, timeout)

    async def iter_users(
        self, *, filter: str = "", order_by: str = "", page_size: int = 0
    ) -> AsyncIterator[user_pb2.User]:
        """Every user matching the filter, following page tokens."""
        token = ""
        while True:
            page = await self.list_users(
                filter=filter, order_by=order_by, page_size=page_size, page_token=token
            )
            for user in page.users:
                yield user
            token = page.next_page_token
            if not token:
                return

    async def create_user(
        self,
        user: user_pb2.User,
        *,
        user_id: str = "",
        request_id: str | None = None,
        timeout: float | None = None,
    ) -> user_pb2.User:
        """CreateUser; a request_id is always sent so retries cannot create twice."""
        request = pb.CreateUserRequest(
            user=user, user_id=user_id, request_id=request_id or str(uuid.uuid4())
        )
        return (await self._call(self._stub.CreateUser, request, timeout)).user

    async def update_user(
        self, user: user_pb2.User, update_mask: Sequence[str], *, timeout: float | None = None
    ) -> user_pb2.User:
        """UpdateUser; set user.etag to fail with AbortedError if the user changed."""
        request = pb.UpdateUserRequest(
            user=user, update_mask=field_mask_pb2.FieldMask(paths=list(update_mask))
        )
        return (await self._call(self._stub.UpdateUser, request, timeout)).user

    async def delete_user(
        self,
        name: str,
        *,
        etag: str = "",
        allow_missing: bool = False,
        timeout: float | None = None,
    ) -> user_pb2.User:
        """DeleteUser (soft delete)."""
        request = pb.DeleteUserRequest(name=name, etag=etag, allow_missing=allow_missing)
        return (await self._call(self._stub.DeleteUser, request, timeout)).user

    async def undelete_user(
        self, name: str, *, etag: str = "", timeout: float | None = None
    ) -> user_pb2.User:
        """UndeleteUser."""
        request = pb.UndeleteUserRequest(name=name, etag=etag)
        return (await self._call(self._stub.UndeleteUser, request, timeout)).user

    async def watch_users(
        self,
        start_revision: int = 0,
        *,
        max_changes_per_response: int = 0,
        timeout: float | None = None,
    ) -> AsyncGenerator[pb.WatchUsersResponse]:
        """WatchUsers: a bookmark first, then every change; no deadline unless given.

        With `max_changes_per_response` above one, changes arrive in each
        response's `changes` (several when they are ready at once).
        """
        call = self._stub.WatchUsers(
            pb.WatchUsersRequest(
                start_revision=start_revision, max_changes_per_response=max_changes_per_response
            ),
            timeout=timeout,
            metadata=self._metadata,
        )
        try:
            async for event in call:
                yield event
        except grpc.aio.AioRpcError as error:
            raise self._error(error) from None
        finally:
            call.cancel()
