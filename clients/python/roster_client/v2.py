"""UserClientV2: roster.user.v2.UserService with v1's conventions.

A default deadline on every unary call, retries on UNAVAILABLE, typed errors
(the same RosterError classes as v1) and a request_id on every create.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from types import TracebackType
from typing import Self, TypeVar

import grpc
from google.protobuf import field_mask_pb2

from roster.user.v2 import user_pb2, user_service_pb2_grpc
from roster.user.v2 import user_service_pb2 as pb
from roster_client.errors import from_rpc_error
from roster_client.tls import TlsConfig

T = TypeVar("T")
SERVICE = "roster.user.v2.UserService"
# As in v1: UNAVAILABLE means the call did not run; creates carry a request_id
# and transitions and updates may carry an etag, so a repeat is harmless.
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
NewUser = tuple[user_pb2.User, str]  # a user to create and its user_id ("" for the uid)


def _mask(paths: Sequence[str]) -> field_mask_pb2.FieldMask | None:
    return field_mask_pb2.FieldMask(paths=list(paths)) if paths else None


class UserClientV2:
    """An async client for roster.user.v2; use as `async with UserClientV2(target) as users:`."""

    def __init__(
        self,
        target: str,
        *,
        timeout: float = 10.0,
        tls: TlsConfig | None = None,
        token: str | None = None,
        channel_options: Sequence[tuple[str, object]] = (),
    ) -> None:
        """Connect lazily to `target`; `token` is sent as a bearer token on every call."""
        chosen: dict[str, object] = {
            "grpc.service_config": json.dumps(SERVICE_CONFIG),
            "grpc.enable_retries": 1,
        }
        if tls is not None and tls.server_name:
            chosen["grpc.ssl_target_name_override"] = tls.server_name
        chosen.update(channel_options)
        options = list(chosen.items())
        self.channel = (
            grpc.aio.insecure_channel(target, options=options)
            if tls is None
            else grpc.aio.secure_channel(target, tls.credentials(), options=options)
        )
        self._stub = user_service_pb2_grpc.UserServiceStub(self.channel)
        self._timeout = timeout
        self._metadata = (("authorization", f"Bearer {token}"),) if token else ()

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

    async def _call(
        self, call: Callable[..., Awaitable[T]], request: object, timeout: float | None
    ) -> T:
        try:
            return await call(request, timeout=timeout or self._timeout, metadata=self._metadata)
        except grpc.aio.AioRpcError as error:
            raise from_rpc_error(error) from None

    async def get_user(
        self, name: str, *, read_mask: Sequence[str] = (), timeout: float | None = None
    ) -> user_pb2.User:
        """GetUser; a read_mask returns only the fields it names."""
        request = pb.GetUserRequest(name=name, read_mask=_mask(read_mask))
        return await self._call(self._stub.GetUser, request, timeout)

    async def batch_get_users(
        self, names: Sequence[str], *, read_mask: Sequence[str] = (), timeout: float | None = None
    ) -> list[user_pb2.User]:
        """BatchGetUsers, in the order asked."""
        request = pb.BatchGetUsersRequest(names=list(names), read_mask=_mask(read_mask))
        return list((await self._call(self._stub.BatchGetUsers, request, timeout)).users)

    async def list_users(
        self,
        *,
        filter: str = "",
        order_by: str = "",
        page_size: int = 0,
        page_token: str = "",
        show_deleted: bool = False,
        read_mask: Sequence[str] = (),
        timeout: float | None = None,
    ) -> pb.ListUsersResponse:
        """ListUsers: one page, with v2's filter language."""
        request = pb.ListUsersRequest(
            filter=filter,
            order_by=order_by,
            page_size=page_size,
            page_token=page_token,
            show_deleted=show_deleted,
            read_mask=_mask(read_mask),
        )
        return await self._call(self._stub.ListUsers, request, timeout)

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
        return await self._call(self._stub.CreateUser, request, timeout)

    async def batch_create_users(
        self,
        users: Sequence[NewUser],
        *,
        request_id: str | None = None,
        timeout: float | None = None,
    ) -> list[user_pb2.User]:
        """BatchCreateUsers, all or nothing; one request_id covers the batch."""
        request = pb.BatchCreateUsersRequest(
            requests=[pb.CreateUserRequest(user=user, user_id=uid) for user, uid in users],
            request_id=request_id or str(uuid.uuid4()),
        )
        return list((await self._call(self._stub.BatchCreateUsers, request, timeout)).users)

    async def update_user(
        self, user: user_pb2.User, update_mask: Sequence[str], *, timeout: float | None = None
    ) -> user_pb2.User:
        """UpdateUser; set user.etag to fail with AbortedError if the user changed."""
        request = pb.UpdateUserRequest(user=user, update_mask=_mask(update_mask))
        return await self._call(self._stub.UpdateUser, request, timeout)

    async def suspend_user(
        self, name: str, *, reason: str = "", etag: str = "", timeout: float | None = None
    ) -> user_pb2.User:
        """SuspendUser: an active user becomes suspended, with an optional reason."""
        request = pb.SuspendUserRequest(name=name, reason=reason, etag=etag)
        return await self._call(self._stub.SuspendUser, request, timeout)

    async def activate_user(
        self, name: str, *, reason: str = "", etag: str = "", timeout: float | None = None
    ) -> user_pb2.User:
        """ActivateUser: a suspended user becomes active, with an optional reason."""
        request = pb.ActivateUserRequest(name=name, reason=reason, etag=etag)
        return await self._call(self._stub.ActivateUser, request, timeout)

    async def delete_user(
        self,
        name: str,
        *,
        etag: str = "",
        allow_missing: bool = False,
        timeout: float | None = None,
    ) -> user_pb2.User:
        """DeleteUser (soft delete); an empty User when allow_missing found nothing."""
        request = pb.DeleteUserRequest(name=name, etag=etag, allow_missing=allow_missing)
        return await self._call(self._stub.DeleteUser, request, timeout)

    async def undelete_user(
        self, name: str, *, etag: str = "", timeout: float | None = None
    ) -> user_pb2.User:
        """UndeleteUser."""
        request = pb.UndeleteUserRequest(name=name, etag=etag)
        return await self._call(self._stub.UndeleteUser, request, timeout)

    async def purge_user(
        self, name: str, *, etag: str = "", force: bool = False, timeout: float | None = None
    ) -> pb.PurgeUserResponse:
        """PurgeUser: remove a soft-deleted user for good (any user with force)."""
        request = pb.PurgeUserRequest(name=name, etag=etag, force=force)
        return await self._call(self._stub.PurgeUser, request, timeout)

    async def watch_users(
        self,
        start_revision: int = 0,
        *,
        filter: str = "",
        max_changes_per_response: int = 0,
        timeout: float | None = None,
    ) -> AsyncGenerator[pb.WatchUsersResponse]:
        """WatchUsers: a bookmark first, then every matching change; no deadline unless given."""
        call = self._stub.WatchUsers(
            pb.WatchUsersRequest(
                start_revision=start_revision,
                filter=filter,
                max_changes_per_response=max_changes_per_response,
            ),
            timeout=timeout,
            metadata=self._metadata,
        )
        try:
            async for event in call:
                yield event
        except grpc.aio.AioRpcError as error:
            raise from_rpc_error(error) from None
        finally:
            call.cancel()
