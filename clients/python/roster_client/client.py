"""UserClient: one method per RPC, the client policy's deadline and retries, typed errors."""

from __future__ import annotations

import inspect
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, TypeVar

import grpc
from google.protobuf import field_mask_pb2

from roster.user.v1 import user_pb2, user_service_pb2_grpc
from roster.user.v1 import user_service_pb2 as pb
from roster_client import handshake, policy
from roster_client.errors import RosterError, from_rpc_error
from roster_client.resuming import ResumingWatch
from roster_client.tls import TlsConfig

if TYPE_CHECKING:
    from opentelemetry import trace

T = TypeVar("T")
# Re-exported for callers that build channels of their own beside the client.
SERVICE = policy.SERVICE
SERVICE_CONFIG = policy.SERVICE_CONFIG
# A bearer token for each call: a string, or what a refreshing callback returns.
TokenSource = Callable[[], "str | Awaitable[str]"]


class UserClient:
    """An async client for UserService; use as `async with UserClient(target) as users:`.

    Plaintext unless `tls` is given (as in every Roster client). `token` is a JWT
    sent as `authorization: Bearer <token>` on every call; `token_source` is
    called before every call instead, so it can hand out a refreshed token.
    """

    def __init__(
        self,
        target: str,
        *,
        timeout: float | None = None,
        tls: TlsConfig | None = None,
        metadata: Sequence[tuple[str, str]] = (),
        token: str | None = None,
        token_source: TokenSource | None = None,
        interceptors: Sequence[grpc.aio.ClientInterceptor] | None = None,
        tracer_provider: trace.TracerProvider | None = None,
        channel_options: Sequence[tuple[str, object]] = (),
    ) -> None:
        """Connect lazily to `target`; a `tracer_provider` turns on client spans.

        `timeout` replaces the policy's default deadline of unary calls.
        `channel_options` are gRPC channel arguments (keepalive, message size
        limits, ...); one named like a default below replaces it.
        """
        if tracer_provider is not None:
            # Imported here: tracing is the optional `roster-client[tracing]` extra.
            from roster_client.tracing import tracing_interceptors

            interceptors = [*tracing_interceptors(tracer_provider), *(interceptors or ())]
        chosen: dict[str, object] = {
            "grpc.service_config": policy.SERVICE_CONFIG_JSON,
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
        self._timeout = policy.default_timeout() if timeout is None else timeout
        self._tls = tls is not None
        # A bearer token rides in metadata rather than call credentials so that it
        # also works on plaintext channels (local runs, tests behind a TLS proxy).
        bearer = (("authorization", f"Bearer {token}"),) if token else ()
        self._metadata = (*tuple(metadata), *bearer)
        self._token_source = token_source

    async def __aenter__(self) -> UserClient:
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

    async def _call_metadata(self) -> tuple[tuple[str, str], ...]:
        """The metadata of one call: the fixed pairs, and a fresh token if there is a source."""
        if self._token_source is None:
            return self._metadata
        token = self._token_source()
        if inspect.isawaitable(token):
            token = await token
        return (*self._metadata, ("authorization", f"Bearer {token}"))

    def _error(self, error: grpc.aio.AioRpcError) -> RosterError:
        """The typed exception for a failed call; a failed TLS handshake says so."""
        return handshake.explain(from_rpc_error(error), tls=self._tls)

    async def _call(
        self, call: Callable[..., Awaitable[T]], request: object, timeout: float | None
    ) -> T:
        try:
            metadata = await self._call_metadata()
            return await call(request, timeout=timeout or self._timeout, metadata=metadata)
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
        self,
        *,
        filter: str = "",
        order_by: str = "",
        page_size: int = 0,
        show_deleted: bool = False,
        timeout: float | None = None,
    ) -> AsyncIterator[user_pb2.User]:
        """Every user of a ListUsers query, following page tokens (`timeout` is per page)."""
        token = ""
        while True:
            page = await self.list_users(
                filter=filter,
                order_by=order_by,
                page_size=page_size,
                page_token=token,
                show_deleted=show_deleted,
                timeout=timeout,
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
        max_changes_per_response: int = 0,
        timeout: float | None = None,
    ) -> AsyncGenerator[pb.WatchUsersResponse]:
        """WatchUsers: a bookmark first, then every change; no deadline unless given.

        With `max_changes_per_response` above one, changes arrive in each
        response's `changes` (several when they are ready at once).
        """
        request = pb.WatchUsersRequest(
            start_revision=start_revision, max_changes_per_response=max_changes_per_response
        )
        try:
            metadata = await self._call_metadata()
        except grpc.aio.AioRpcError as error:
            raise from_rpc_error(error) from None
        call = self._stub.WatchUsers(request, timeout=timeout, metadata=metadata)
        try:
            async for event in call:
                yield event
        except grpc.aio.AioRpcError as error:
            raise self._error(error) from None
        finally:
            call.cancel()

    def watch(
        self,
        start_revision: int = 0,
        *,
        max_changes_per_response: int = 0,
        timeout: float | None = None,
    ) -> ResumingWatch:
        """Every change after `start_revision` (0: from now), resumed across reconnects.

        Iterate with `async for`: bookmarks and single changes, each change once.
        It ends only by raising: RelistRequiredError when the revision is no
        longer retained, DeadlineExceededError after `timeout` seconds if given,
        and any error a reconnect cannot cure (PERMISSION_DENIED, ...).
        """

        def open_stream(revision: int, left: float | None) -> AsyncIterator[pb.WatchUsersResponse]:
            return self.watch_users(
                revision, max_changes_per_response=max_changes_per_response, timeout=left
            )

        return ResumingWatch(
            open_stream, start_revision=start_revision, timeout=timeout, backoff=policy.backoff()
        )
