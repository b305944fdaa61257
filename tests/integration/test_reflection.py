"""Reflection: the real grpcurl lists, describes and invokes the service with no proto files."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import grpc
from grpc_reflection.v1alpha import reflection_pb2

from roster_user.config import Settings
from roster_user.lifecycle import shutdown
from roster_user.lifecycle.running import Running
from roster_user.server import build_server
from tests.conftest import with_settings
from tests.support.tools import installed


async def grpcurl(*args: str) -> tuple[int, str, str]:
    """Run grpcurl in plaintext mode; return its exit code, stdout and stderr."""
    process = await asyncio.create_subprocess_exec(
        installed("grpcurl"),
        "-plaintext",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, out.decode(), err.decode()


async def test_grpcurl_lists_every_service(server: Running) -> None:
    code, out, err = await grpcurl(server.address, "list")
    assert code == 0, err
    assert {
        "roster.user.v1.UserService",
        "roster.user.v2.UserService",
        "grpc.health.v1.Health",
    } <= set(out.split())


async def test_grpcurl_describes_the_contract_with_its_comments(server: Running) -> None:
    code, out, err = await grpcurl(server.address, "describe", "roster.user.v1.UserService")
    assert code == 0, err
    for rpc in (
        "GetUser",
        "BatchGetUsers",
        "ListUsers",
        "CreateUser",
        "UpdateUser",
        "DeleteUser",
        "UndeleteUser",
        "WatchUsers",
    ):
        assert f"rpc {rpc}" in out
    code, out, err = await grpcurl(server.address, "describe", "roster.user.v1.User")
    assert code == 0, err
    assert "external_id" in out


async def test_grpcurl_invokes_rpcs_with_json_and_shows_error_details(server: Running) -> None:
    body = json.dumps({"user": {"email": "curl@example.com"}, "userId": "curl"})
    code, out, err = await grpcurl(
        "-d", body, server.address, "roster.user.v1.UserService/CreateUser"
    )
    assert code == 0, err
    assert json.loads(out)["user"]["name"] == "users/curl"
    code, out, err = await grpcurl(
        "-d", '{"filter": "state = ACTIVE"}', server.address, "roster.user.v1.UserService/ListUsers"
    )
    assert code == 0, err
    assert [u["name"] for u in json.loads(out)["users"]] == ["users/curl"]
    code, out, err = await grpcurl(
        "-d", '{"name": "users/absent"}', server.address, "roster.user.v1.UserService/GetUser"
    )
    assert code != 0
    assert "NotFound" in err
    assert "ERROR_REASON_USER_NOT_FOUND" in err


async def test_grpcurl_drives_v2_from_reflection_alone(server: Running) -> None:
    code, out, err = await grpcurl(server.address, "describe", "roster.user.v2.UserService")
    assert code == 0, err
    assert "rpc SuspendUser" in out and "rpc BatchCreateUsers" in out
    v2 = "roster.user.v2.UserService"
    body = json.dumps({"user": {"email": "v2@example.com"}, "userId": "v2"})
    code, out, err = await grpcurl("-d", body, server.address, f"{v2}/CreateUser")
    assert code == 0, err
    assert json.loads(out)["name"] == "users/v2"
    body = json.dumps({"name": "users/v2", "reason": "by grpcurl"})
    code, out, err = await grpcurl("-d", body, server.address, f"{v2}/SuspendUser")
    assert code == 0, err
    assert (json.loads(out)["state"], json.loads(out)["stateReason"]) == (
        "STATE_SUSPENDED",
        "by grpcurl",
    )


async def test_grpcurl_watches_until_its_time_limit(server: Running) -> None:
    code, out, err = await grpcurl(
        "-max-time", "1", "-d", "{}", server.address, "roster.user.v1.UserService/WatchUsers"
    )
    assert code != 0
    assert "EVENT_TYPE_BOOKMARK" in out
    assert "DeadlineExceeded" in err


async def test_reflection_can_be_turned_off_while_calls_still_work(settings: Settings) -> None:
    running = await build_server(with_settings(settings, reflection=False))
    try:
        code, _, err = await grpcurl(running.address, "list")
        assert code != 0
        assert "does not support the reflection API" in err
    finally:
        await shutdown.drain(running)


async def test_reflection_answers_on_both_v1_and_v1alpha(server: Running) -> None:
    request = reflection_pb2.ServerReflectionRequest(list_services="")
    async with grpc.aio.insecure_channel(server.address) as channel:
        for service in (
            "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection",
        ):
            method: Any = channel.stream_stream(
                f"/{service}/ServerReflectionInfo",
                request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
                response_deserializer=reflection_pb2.ServerReflectionResponse.FromString,
            )
            call = method(iter([request]), timeout=10)
            responses = [response async for response in call]
            names = {s.name for s in responses[0].list_services_response.service}
            assert "roster.user.v1.UserService" in names, service
