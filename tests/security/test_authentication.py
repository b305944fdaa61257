"""Bearer-token authentication: every bad token is refused before any handler runs."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import grpc
import jwt
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from roster.user.v1 import user_service_pb2 as pb
from roster.user.v1 import user_service_pb2_grpc
from roster_client import PermissionDeniedError, UnauthenticatedError, UserClient
from roster_client.errors import from_rpc_error
from roster_user.lifecycle.running import Running
from roster_user.security.principal import MAX_LOGGED_SUBJECT
from roster_user.security.tokens import DUPLICATE
from tests.support.corruption import corrupt_user
from tests.support.errors import assert_error

from .conftest import Errors, Start, auth_settings, bearer
from .leaks import Capture
from .tokens import Mint


def _unsigned(mint: Mint) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    claims: dict[str, Any] = {"sub": "mallory", "scope": "users.read", "iss": "https://issuer.test"}
    claims |= {"aud": "roster-user", "exp": time.time() + 300}
    return mint.remember(f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}.")


def _unknown_kid(mint: Mint) -> str:
    claims: dict[str, Any] = {"sub": "mallory", "scope": "users.read", "iss": "https://issuer.test"}
    claims |= {"aud": "roster-user", "exp": time.time() + 300}
    return mint.remember(jwt.encode(claims, mint.untrusted, "ES256", {"kid": "unknown"}))


def _hs256_with_public_key(mint: Mint) -> str:
    # The classic confusion: the verifier's public key used as an HMAC secret.
    claims: dict[str, Any] = {"sub": "mallory", "scope": "users.read", "iss": "https://issuer.test"}
    claims |= {"aud": "roster-user", "exp": time.time() + 300}
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT","kid":"rsa-1"}').rstrip(b"=")
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=")
    signing_input = header + b"." + body
    digest = hmac.new(mint.public_pem("rsa-1"), signing_input, hashlib.sha256).digest()
    signature = base64.urlsafe_b64encode(digest).rstrip(b"=")
    return mint.remember((signing_input + b"." + signature).decode())


_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _spare_bits_set(mint: Mint) -> str:
    # An ES256 signature is 64 bytes: 86 base64url characters, the last carrying 4 spare
    # bits. Setting one decodes to the same signature: a second spelling of one token.
    token = mint.token()
    last = _ALPHABET.index(token[-1])
    return mint.remember(token[:-1] + _ALPHABET[last ^ 0b0001])


def _in_the_future(seconds: float) -> str:
    return str(int(time.time() + seconds))


def _embedded_jwk(mint: Mint) -> str:
    public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(mint.untrusted.public_key()))
    return mint.token(forged=True, kid="ec-1", header={"jwk": public})


def _standard_base64(mint: Mint) -> str:
    """A valid token spelled with standard base64's `+` and `/` where base64url has `-` and `_`.

    A token may happen to contain neither (about 1 in 500): then it would be
    unchanged and valid, so tokens are minted until one has something to respell.
    """
    for _ in range(100):
        token = mint.token()
        if "-" in token or "_" in token:
            return mint.remember(token.replace("-", "+").replace("_", "/"))
    raise AssertionError("100 tokens in a row had no '-' or '_' to respell")


BAD_CREDENTIALS: dict[str, Callable[[Mint], str | None]] = {
    "missing": lambda mint: None,
    "malformed": lambda mint: mint.remember("not.a.jwt"),
    "expired": lambda mint: mint.token(lifetime=-60),
    "not yet valid": lambda mint: mint.token(nbf=time.time() + 600),
    "wrong issuer": lambda mint: mint.token(iss="https://evil.test"),
    "wrong audience": lambda mint: mint.token(aud="another-service"),
    "wrong key": lambda mint: mint.token(forged=True),
    "unknown key id": _unknown_kid,
    "alg none": _unsigned,
    "HS256 signed with the public key": _hs256_with_public_key,
    "without a subject": lambda mint: mint.token(subject=""),
    # The second round (issue 23): one spelling per token, NumericDate types, typ.
    "exp as a numeric string": lambda mint: mint.token(exp=_in_the_future(300)),
    "nbf as a numeric string": lambda mint: mint.token(nbf=_in_the_future(-60)),
    "iat as a numeric string": lambda mint: mint.token(iat=_in_the_future(-60)),
    "exp as a boolean": lambda mint: mint.token(exp=True),
    "typ of another kind": lambda mint: mint.token(header={"typ": "JWE"}),
    "typ not a string": lambda mint: mint.token(header={"typ": 1}),
    "signature with == appended": lambda mint: mint.remember(mint.token() + "=="),
    "signature with a spare bit set": _spare_bits_set,
    "standard base64 characters": _standard_base64,
    "a fourth part": lambda mint: mint.remember(mint.token() + ".e30"),
    "a key embedded in the header": _embedded_jwk,
    "a jku header": lambda mint: mint.token(forged=True, header={"jku": "https://evil.test/k"}),
    "an x5u header": lambda mint: mint.token(forged=True, header={"x5u": "https://evil.test/c"}),
}


@pytest.mark.parametrize("case", BAD_CREDENTIALS)
async def test_a_bad_token_is_unauthenticated_and_reaches_no_handler(
    case: str, auth_server: Running, mint: Mint, errors: Errors
) -> None:
    token = BAD_CREDENTIALS[case](mint)
    metadata = bearer(token) if token is not None else ()
    async with grpc.aio.insecure_channel(auth_server.address) as channel:
        stub = user_service_pb2_grpc.UserServiceStub(channel)
        error = await errors.expect(
            stub.GetUser(pb.GetUserRequest(name="users/a"), metadata=metadata, timeout=5)
        )
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert from_rpc_error(error).reason == "ERROR_REASON_UNAUTHENTICATED"
    assert auth_server.in_flight.started == 0


async def test_a_token_refusal_does_not_say_which_check_failed(
    auth_server: Running, mint: Mint, errors: Errors
) -> None:
    messages = set()
    async with grpc.aio.insecure_channel(auth_server.address) as channel:
        stub = user_service_pb2_grpc.UserServiceStub(channel)
        for token in (mint.token(lifetime=-60), mint.token(aud="x"), mint.token(forged=True)):
            call = stub.GetUser(pb.GetUserRequest(name="users/a"), metadata=bearer(token))
            messages.add((await errors.expect(call)).details())
    assert len(messages) == 1


async def test_a_valid_token_signed_by_either_trusted_key_is_accepted(
    auth_server: Running, mint: Mint
) -> None:
    for kid in ("ec-1", "rsa-1"):
        async with UserClient(auth_server.address, token=mint.token(kid=kid)) as users:
            assert (await users.list_users()).users == []


async def test_a_key_added_to_the_jwks_file_is_trusted_without_a_restart(
    auth_server: Running, mint: Mint
) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    mint.keys["ec-2"] = ec.generate_private_key(ec.SECP256R1())
    token = mint.token(kid="ec-2")
    async with UserClient(auth_server.address, token=token) as users:
        with pytest.raises(UnauthenticatedError) as refused:
            await users.list_users()
        assert_error(refused.value, grpc.StatusCode.UNAUTHENTICATED, "UNAUTHENTICATED")
        mint.publish()
        assert (await users.list_users()).users == []


async def test_health_and_reflection_need_no_credentials(auth_server: Running) -> None:
    async with grpc.aio.insecure_channel(auth_server.address) as channel:
        # The health and reflection stubs are typed for sync channels only.
        health: Any = health_pb2_grpc.HealthStub(channel)
        reply = await health.Check(health_pb2.HealthCheckRequest(service=""), timeout=5)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING
        reflection: Any = reflection_pb2_grpc.ServerReflectionStub(channel)  # type: ignore[arg-type]
        request = reflection_pb2.ServerReflectionRequest(list_services="")
        responses = [r async for r in reflection.ServerReflectionInfo(iter([request]), timeout=5)]
    names = {s.name for s in responses[0].list_services_response.service}
    assert "roster.user.v1.UserService" in names


async def test_a_watch_stream_ends_unauthenticated_when_its_token_expires(
    auth_server: Running, mint: Mint, errors: Errors
) -> None:
    # Long enough to be admitted and get the bookmark even on a loaded machine.
    token = mint.token(scope="users.read", lifetime=3)
    async with grpc.aio.insecure_channel(auth_server.address) as channel:
        stub = user_service_pb2_grpc.UserServiceStub(channel)
        call = stub.WatchUsers(pb.WatchUsersRequest(), metadata=bearer(token), timeout=30)
        first = await call.read()
        assert isinstance(first, pb.WatchUsersResponse)
        error = await errors.expect(_drain(call))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert from_rpc_error(error).reason == "ERROR_REASON_UNAUTHENTICATED"


async def _drain(
    call: grpc.aio.UnaryStreamCall[pb.WatchUsersRequest, pb.WatchUsersResponse],
) -> None:
    while await call.read() is not grpc.aio.EOF:
        pass


async def test_several_authorization_headers_are_refused_with_their_own_message_and_cause(
    auth_server: Running, mint: Mint, errors: Errors, no_leaks: Capture
) -> None:
    token = mint.token()
    metadata = (*bearer(token), *bearer(token))
    async with grpc.aio.insecure_channel(auth_server.address) as channel:
        stub = user_service_pb2_grpc.UserServiceStub(channel)
        error = await errors.expect(stub.ListUsers(pb.ListUsersRequest(), metadata=metadata))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert error.details() == DUPLICATE
    causes = [line["cause"] for line in no_leaks.lines if line["message"] == "call refused"]
    assert causes == ["several authorization headers"]


@pytest.mark.parametrize("typ", ["JWT", "at+jwt", "application/at+jwt", None])
async def test_a_token_typed_jwt_or_at_jwt_or_untyped_is_accepted(
    auth_server: Running, mint: Mint, typ: str | None
) -> None:
    token = mint.token(header={"typ": typ})  # PyJWT leaves typ out when it is None
    assert jwt.get_unverified_header(token).get("typ") == typ
    async with UserClient(auth_server.address, token=token) as users:
        assert (await users.list_users()).users == []


async def test_the_subject_is_logged_with_a_denial_but_the_token_never_is(
    start: Start, mint: Mint, no_leaks: Capture
) -> None:
    running = await start(**auth_settings(mint))
    token = mint.token(subject="bob", scope="users.read")
    async with UserClient(running.address, token=token) as users:
        with pytest.raises(PermissionDeniedError) as denied:
            await users.delete_user("users/x")
    assert_error(denied.value, grpc.StatusCode.PERMISSION_DENIED, "PERMISSION_DENIED")
    lines = no_leaks.lines
    denials = [line for line in lines if line["message"] == "call denied"]
    assert [line["subject"] for line in denials] == ["bob"]
    assert all(token not in json.dumps(line) for line in lines)
    assert jwt.get_unverified_header(token)["kid"] == "ec-1"


async def test_an_unexpected_failure_logs_the_subject_and_tells_the_caller_only_a_correlation_id(
    start: Start, mint: Mint, errors: Errors, no_leaks: Capture
) -> None:
    running = await start(**auth_settings(mint))
    token = mint.token(subject="dave")
    async with UserClient(running.address, token=token) as users:
        await corrupt_user(users, running.settings.database_url, user_id="d")
    async with grpc.aio.insecure_channel(running.address) as channel:
        stub: Any = user_service_pb2_grpc.UserServiceStub(channel)
        call = stub.GetUser(pb.GetUserRequest(name="users/d"), metadata=bearer(token))
        error = await errors.expect(call)
    assert error.code() == grpc.StatusCode.INTERNAL
    failures = [line for line in no_leaks.lines if line["level"] == "ERROR"]
    assert [line["subject"] for line in failures] == ["dave"]
    assert "Traceback" in str(failures[0]["exception"])  # for operators, in its own field


async def test_a_long_subject_is_logged_cut_to_a_bounded_length(
    start: Start, mint: Mint, no_leaks: Capture
) -> None:
    running = await start(**auth_settings(mint))
    subject = "s" * 5000
    async with UserClient(running.address, token=mint.token(subject=subject, scope="")) as users:
        with pytest.raises(Exception, match="PERMISSION_DENIED"):
            await users.list_users()
    [denial] = [line for line in no_leaks.lines if line["message"] == "call denied"]
    assert denial["subject"] == "s" * MAX_LOGGED_SUBJECT + "...(cut)"
