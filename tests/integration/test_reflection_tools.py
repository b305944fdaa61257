"""Reflection resolves every symbol kind, on v1 and v1alpha, for ghz, grpcurl and grpcui."""

from __future__ import annotations

import asyncio
import json
import re
import urllib.request
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import descriptor_pb2
from grpc_reflection.v1alpha import reflection_pb2

from roster.user.v1 import user_service_pb2
from roster_user.lifecycle.running import Running
from tests.support.tools import installed, run_tool

VERSIONS = ["grpc.reflection.v1", "grpc.reflection.v1alpha"]
METHODS = list(user_service_pb2.DESCRIPTOR.services_by_name["UserService"].methods_by_name)

# One symbol of each kind the protocol names, and the file that defines it.
SYMBOLS = {
    "service": ("roster.user.v1.UserService", "roster/user/v1/user_service.proto"),
    "method": ("roster.user.v1.UserService.GetUser", "roster/user/v1/user_service.proto"),
    "message": ("roster.user.v1.User", "roster/user/v1/user.proto"),
    "nested message": ("roster.user.v1.User.LabelsEntry", "roster/user/v1/user.proto"),
    "enum": ("roster.user.v1.User.State", "roster/user/v1/user.proto"),
    "enum value": ("roster.user.v1.User.STATE_ACTIVE", "roster/user/v1/user.proto"),
    "top-level enum value": (
        "roster.user.v1.ERROR_REASON_USER_NOT_FOUND",
        "roster/user/v1/error_reason.proto",
    ),
    "field": ("roster.user.v1.User.email", "roster/user/v1/user.proto"),
    "extension": ("google.api.field_behavior", "google/api/field_behavior.proto"),
    "health service": ("grpc.health.v1.Health.Check", "grpc_health/v1/health.proto"),
    "v1 reflection": ("grpc.reflection.v1.ServerReflection", "grpc/reflection/v1/reflection.proto"),
}


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: reflection does not touch the store."""
    return f"sqlite:///{tmp_path / 'roster.db'}"


async def reflect(
    address: str, version: str, **request: Any
) -> reflection_pb2.ServerReflectionResponse:
    """One request on a reflection stream of `version`; its one response."""
    async with grpc.aio.insecure_channel(address) as channel:
        method: Any = channel.stream_stream(
            f"/{version}.ServerReflection/ServerReflectionInfo",
            request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
            response_deserializer=reflection_pb2.ServerReflectionResponse.FromString,
        )
        call = method(iter([reflection_pb2.ServerReflectionRequest(**request)]), timeout=10)
        responses: list[reflection_pb2.ServerReflectionResponse] = [
            response async for response in call
        ]
    assert len(responses) == 1
    return responses[0]


def first_file(response: reflection_pb2.ServerReflectionResponse) -> str:
    assert response.HasField("file_descriptor_response"), response.error_response
    encoded = response.file_descriptor_response.file_descriptor_proto[0]
    return descriptor_pb2.FileDescriptorProto.FromString(encoded).name


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("kind", list(SYMBOLS))
async def test_every_symbol_kind_resolves_to_its_file(
    server: Running, version: str, kind: str
) -> None:
    symbol, file = SYMBOLS[kind]
    response = await reflect(server.address, version, file_containing_symbol=symbol)
    assert first_file(response) == file


@pytest.mark.parametrize("version", VERSIONS)
async def test_unknown_symbols_and_files_are_not_found(server: Running, version: str) -> None:
    for request in (
        {"file_containing_symbol": "roster.user.v1.UserService.NoSuchMethod"},
        {"file_containing_symbol": "no.such.Thing"},
        {"file_by_filename": "no/such.proto"},
        {"all_extension_numbers_of_type": "no.such.Message"},
    ):
        response = await reflect(server.address, version, **request)
        assert response.error_response.error_code == grpc.StatusCode.NOT_FOUND.value[0], request


@pytest.mark.parametrize("version", VERSIONS)
async def test_extensions_are_found_by_type_and_number(server: Running, version: str) -> None:
    numbers = await reflect(
        server.address, version, all_extension_numbers_of_type="google.protobuf.FieldOptions"
    )
    assert 1052 in numbers.all_extension_numbers_response.extension_number
    response = await reflect(
        server.address,
        version,
        file_containing_extension=reflection_pb2.ExtensionRequest(
            containing_type="google.protobuf.FieldOptions", extension_number=1052
        ),
    )
    assert first_file(response) == "google/api/field_behavior.proto"


@pytest.mark.parametrize("version", VERSIONS)
async def test_both_reflection_services_are_listed(server: Running, version: str) -> None:
    response = await reflect(server.address, version, list_services="")
    names = {service.name for service in response.list_services_response.service}
    assert names == {
        "roster.user.v1.UserService",
        "roster.user.v2.UserService",
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
    }


async def test_grpcurl_describes_a_method_and_a_field(server: Running) -> None:
    code, out, err = await run_tool(
        "grpcurl", "-plaintext", server.address, "describe", "roster.user.v1.UserService.GetUser"
    )
    assert code == 0, err
    assert "rpc GetUser ( .roster.user.v1.GetUserRequest )" in out
    code, out, err = await run_tool(
        "grpcurl", "-plaintext", server.address, "describe", "roster.user.v1.User.email"
    )
    assert code == 0, err
    assert "string email = 3" in out


async def test_ghz_calls_a_method_by_reflection_alone(server: Running) -> None:
    code, out, err = await run_tool(
        "ghz",
        "--insecure",
        "--call",
        "roster.user.v1.UserService/GetUser",
        "--data",
        '{"name": "users/nobody"}',
        "--total",
        "5",
        "--format",
        "json",
        server.address,
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["count"] == 5
    assert report["statusCodeDistribution"] == {"NotFound": 5}


async def test_grpcui_loads_every_method(server: Running) -> None:
    process = await asyncio.create_subprocess_exec(
        installed("grpcui"),
        "-plaintext",
        "-port",
        "0",
        "-open-browser=false",
        server.address,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        assert process.stdout is not None
        banner = (await asyncio.wait_for(process.stdout.readline(), 60)).decode()
        match = re.search(r"http://[\d.]+:\d+/", banner)
        assert match, banner
        for method in METHODS:
            url = f"{match.group(0)}metadata?method=roster.user.v1.UserService.{method}"
            metadata = json.loads(await asyncio.to_thread(fetch, url))
            assert metadata["requestType"] == f"roster.user.v1.{method}Request", method
    finally:
        process.terminate()
        await process.wait()


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (http to grpcui)
        body: bytes = response.read()
        return body
