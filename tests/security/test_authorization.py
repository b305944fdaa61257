"""Per-method authorization: every method against tokens with no scope, read or write."""

from __future__ import annotations

import asyncio
import urllib.request
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
import pytest

from roster.user.v1 import user_pb2, user_service_pb2_grpc
from roster.user.v1 import user_service_pb2 as pb
from roster.user.v2 import user_service_pb2 as pb_v2
from roster_client.errors import from_rpc_error
from roster_user.lifecycle.health import SERVICE, SERVICE_V2
from roster_user.lifecycle.running import Running
from roster_user.security.scopes import REQUIRED_SCOPES

from .conftest import Errors, Start, auth_settings, bearer
from .tokens import Mint

# The generated stub is typed for sync channels; these calls go through an aio channel.
Stub = Any
Metadata = tuple[tuple[str, str], ...]


async def _first(call: Any) -> None:
    await call.read()  # raises once the stream has failed; the bookmark means admitted


CALLS: dict[str, Callable[[Stub, Metadata], Awaitable[Any]]] = {
    "GetUser": lambda s, m: s.GetUser(pb.GetUserRequest(name="users/x"), metadata=m),
    "BatchGetUsers": lambda s, m: s.BatchGetUsers(
        pb.BatchGetUsersRequest(names=["users/x"]), metadata=m
    ),
    "ListUsers": lambda s, m: s.ListUsers(pb.ListUsersRequest(), metadata=m),
    "WatchUsers": lambda s, m: _first(s.WatchUsers(pb.WatchUsersRequest(), metadata=m)),
    "CreateUser": lambda s, m: s.CreateUser(
        pb.CreateUserRequest(
            user=user_pb2.User(email="authz@example.com", display_name="A"), user_id="authz"
        ),
        metadata=m,
    ),
    "UpdateUser": lambda s, m: s.UpdateUser(
        pb.UpdateUserRequest(user=user_pb2.User(name="users/x", display_name="B")), metadata=m
    ),
    "DeleteUser": lambda s, m: s.DeleteUser(pb.DeleteUserRequest(name="users/x"), metadata=m),
    "UndeleteUser": lambda s, m: s.UndeleteUser(pb.UndeleteUserRequest(name="users/x"), metadata=m),
    "PurgeUser": lambda s, m: s.PurgeUser(pb.PurgeUserRequest(name="users/x"), metadata=m),
}
READS = {"GetUser", "BatchGetUsers", "ListUsers", "WatchUsers"}
SCOPES = {"no scope": "", "read": "users.read", "write": "users.write"}


def test_the_call_table_covers_every_method_of_the_contract() -> None:
    service = pb.DESCRIPTOR.services_by_name["UserService"]
    assert set(CALLS) == {method.name for method in service.methods}
    v1 = {method for method in REQUIRED_SCOPES if method.startswith(f"/{SERVICE}/")}
    assert v1 == {f"/{SERVICE}/{method.name}" for method in service.methods}


def test_every_v2_method_needs_a_scope_and_every_new_v2_method_writes() -> None:
    service = pb_v2.DESCRIPTOR.services_by_name["UserService"]
    scopes = {
        method.name: REQUIRED_SCOPES.get(f"/{SERVICE_V2}/{method.name}")
        for method in service.methods
    }
    assert None not in scopes.values()
    new = {"BatchCreateUsers", "SuspendUser", "ActivateUser", "PurgeUser"}
    assert {name for name, scope in scopes.items() if name in new} == new
    assert {scopes[name] for name in new} == {"users.write"}
    assert {name for name, scope in scopes.items() if scope == "users.read"} == READS


async def _code(call: Awaitable[Any], errors: Errors) -> grpc.StatusCode:
    try:
        await call
    except grpc.aio.AioRpcError as error:
        errors.messages.append(error.details() or "")
        return error.code()
    return grpc.StatusCode.OK


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("method", CALLS)
async def test_a_method_is_allowed_exactly_with_its_scope(
    method: str, scope: str, auth_server: Running, mint: Mint, errors: Errors
) -> None:
    token = mint.token(subject="carol", scope=SCOPES[scope])
    async with grpc.aio.insecure_channel(auth_server.address) as channel:
        stub = user_service_pb2_grpc.UserServiceStub(channel)
        code = await _code(CALLS[method](stub, bearer(token)), errors)
    needed = "read" if method in READS else "write"
    if scope == needed:
        assert code not in (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.UNAUTHENTICATED)
    else:
        assert code == grpc.StatusCode.PERMISSION_DENIED


@pytest.mark.parametrize(
    "path", [f"/{SERVICE}/DropAllUsers", "/roster.admin.v1.Admin/Shutdown", "/not-a-method"]
)
async def test_a_method_outside_the_table_is_denied_even_with_every_scope(
    path: str, auth_server: Running, mint: Mint, errors: Errors
) -> None:
    token = mint.token(scope="users.read users.write")
    async with grpc.aio.insecure_channel(auth_server.address) as channel:
        call: Any = channel.unary_unary(path)(b"", metadata=bearer(token))  # type: ignore[arg-type]
        error = await errors.expect(call)
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_refused_calls_are_counted_under_their_method_and_code(
    start: Start, mint: Mint, errors: Errors
) -> None:
    running = await start(**auth_settings(mint, metrics_address="127.0.0.1:0"))
    async with grpc.aio.insecure_channel(running.address) as channel:
        stub = user_service_pb2_grpc.UserServiceStub(channel)
        await errors.expect(CALLS["GetUser"](stub, ()))
        await errors.expect(CALLS["DeleteUser"](stub, bearer(mint.token(scope="users.read"))))
    url = f"http://{running.metrics_address}/metrics"
    body = await asyncio.to_thread(lambda: urllib.request.urlopen(url, timeout=10).read().decode())
    handled = {line.rpartition(" ")[0] for line in body.splitlines() if line.endswith(" 1.0")}
    labels = 'grpc_service="roster.user.v1.UserService",grpc_type="unary"'
    assert (
        f'grpc_server_handled_total{{grpc_code="UNAUTHENTICATED",grpc_method="GetUser",{labels}}}'
        in handled
    )
    assert (
        f'grpc_server_handled_total{{grpc_code="PERMISSION_DENIED",grpc_method="DeleteUser",{labels}}}'
        in handled
    )


async def test_an_unknown_method_tells_a_caller_without_a_token_only_that_it_is_unauthenticated(
    auth_server: Running, errors: Errors
) -> None:
    async with grpc.aio.insecure_channel(auth_server.address) as channel:
        call: Any = channel.unary_unary(f"/{SERVICE}/DropAllUsers")(b"")  # type: ignore[arg-type]
        refused = await errors.expect(call)
        # Open services answer for themselves: a missing health method is just missing.
        probe: Any = channel.unary_unary("/grpc.health.v1.Health/Reset")(b"")  # type: ignore[arg-type]
        missing = await errors.expect(probe)
    assert refused.code() == grpc.StatusCode.UNAUTHENTICATED
    assert missing.code() == grpc.StatusCode.UNIMPLEMENTED


async def _purge(server: Running, token: str, name: str) -> pb.PurgeUserResponse:
    async with grpc.aio.insecure_channel(server.address) as channel:
        stub = user_service_pb2_grpc.UserServiceStub(channel)
        request = pb.PurgeUserRequest(name=name, force=True)
        response: pb.PurgeUserResponse = await stub.PurgeUser(request, metadata=bearer(token))
        return response


async def _create_live_user(server: Running, token: str) -> str:
    async with grpc.aio.insecure_channel(server.address) as channel:
        stub = user_service_pb2_grpc.UserServiceStub(channel)
        await CALLS["CreateUser"](stub, bearer(token))
    return "users/authz"


async def test_a_forced_purge_without_the_admin_scope_is_denied_and_names_the_scope(
    auth_server: Running, mint: Mint, errors: Errors
) -> None:
    writer = mint.token(subject="carol", scope="users.read users.write")
    name = await _create_live_user(auth_server, writer)
    error = await errors.expect(_purge(auth_server, writer, name))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert from_rpc_error(error).metadata == {"required_scope": "users.admin"}


async def test_a_forced_purge_with_the_admin_scope_erases_a_live_user(
    auth_server: Running, mint: Mint, errors: Errors
) -> None:
    writer = mint.token(subject="carol", scope="users.write")
    name = await _create_live_user(auth_server, writer)
    admin = mint.token(subject="dpo", scope="users.write users.admin")
    purged = await _purge(auth_server, admin, name)
    assert purged.name == name
    async with grpc.aio.insecure_channel(auth_server.address) as channel:
        stub = user_service_pb2_grpc.UserServiceStub(channel)
        reader = bearer(mint.token(scope="users.read"))
        missing = await errors.expect(stub.GetUser(pb.GetUserRequest(name=name), metadata=reader))
    assert missing.code() == grpc.StatusCode.NOT_FOUND


async def test_the_admin_scope_alone_does_not_allow_purging(
    auth_server: Running, mint: Mint, errors: Errors
) -> None:
    admin_only = mint.token(subject="dpo", scope="users.admin")
    error = await errors.expect(_purge(auth_server, admin_only, "users/x"))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert from_rpc_error(error).metadata == {"required_scope": "users.write"}
