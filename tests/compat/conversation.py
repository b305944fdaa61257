"""A recorded conversation with UserService: requests and what the answers looked like.

`make release` records it against the release's server; `make compat` replays the
recorded requests against today's server and compares. An answer is its status code,
its `google.rpc.ErrorInfo` reason and its message as proto3 JSON, read with the
release's own contract image (so fields added later are unknown and left out), with
volatile values (uids, etags, timestamps, page tokens) replaced by stable tokens.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory
from google.protobuf.message import Message
from google.rpc import error_details_pb2
from grpc_status import rpc_status

SERVICE = "roster.user.v1.UserService"
CALL_TIMEOUT = 30.0
# Values that differ on every run: each distinct value becomes `<field-N>`, N counting
# from 1 in order of first appearance, so "the same uid as before" is still recorded.
VOLATILE = frozenset(
    {"uid", "etag", "create_time", "update_time", "delete_time", "next_page_token"}
)
# `"$step.path.to.field"` in a request is the raw value from an earlier step's answer.
REFERENCE = re.compile(r"^\$(?P<step>[a-z_]+)\.(?P<path>[a-z_.]+)$")
ALICE = {"email": "alice@example.com", "display_name": "Alice", "labels": {"team": "a"}}
BOB = {"email": "bob@example.com", "display_name": "Bob"}
Json = dict[str, Any]

# (step, method, request as proto3 JSON with snake_case names). Unary calls only: the
# change feed's timing is not a conversation.
STEPS: list[tuple[str, str, Json]] = [
    ("create_alice", "CreateUser", {"user_id": "alice", "user": ALICE, "request_id": "8e3f2b3c-0b5e-4f7e-9d1a-2c4b6a8e0f11"}),
    ("create_alice_retried", "CreateUser", {"user_id": "alice", "user": ALICE, "request_id": "8e3f2b3c-0b5e-4f7e-9d1a-2c4b6a8e0f11"}),
    ("create_bob", "CreateUser", {"user_id": "bob", "user": BOB}),
    ("create_carol_defaults", "CreateUser", {"user_id": "carol", "user": {"email": "carol@example.com"}}),
    ("create_existing_id", "CreateUser", {"user_id": "alice", "user": {"email": "other@example.com"}}),
    ("create_email_in_use", "CreateUser", {"user_id": "dave", "user": {"email": "bob@example.com"}}),
    ("create_invalid_email", "CreateUser", {"user_id": "erin", "user": {"email": "not-an-email"}}),
    ("create_without_user", "CreateUser", {"user_id": "frank"}),
    ("get_alice", "GetUser", {"name": "users/alice"}),
    ("get_missing", "GetUser", {"name": "users/nobody"}),
    ("get_bad_name", "GetUser", {"name": "people/alice"}),
    ("batch_get", "BatchGetUsers", {"names": ["users/bob", "users/alice"]}),
    ("batch_get_missing", "BatchGetUsers", {"names": ["users/alice", "users/nobody"]}),
    ("list_default_page", "ListUsers", {}),
    ("list_first_page", "ListUsers", {"page_size": 2}),
    ("list_next_page", "ListUsers", {"page_size": 2, "page_token": "$list_first_page.next_page_token"}),
    ("list_filtered", "ListUsers", {"filter": 'display_name = "Bob"'}),
    ("list_bad_filter", "ListUsers", {"filter": "display_name ~~ 3"}),
    ("list_bad_page_token", "ListUsers", {"page_token": "not-a-token"}),
    ("list_negative_page_size", "ListUsers", {"page_size": -1}),
    ("update_alice", "UpdateUser", {"user": {"name": "users/alice", "display_name": "Alice B", "etag": "$get_alice.user.etag"}, "update_mask": "displayName"}),
    ("update_stale_etag", "UpdateUser", {"user": {"name": "users/alice", "display_name": "Alice C", "etag": "$get_alice.user.etag"}, "update_mask": "displayName"}),
    ("update_unknown_mask_path", "UpdateUser", {"user": {"name": "users/alice"}, "update_mask": "shoeSize"}),
    ("update_missing", "UpdateUser", {"user": {"name": "users/nobody", "display_name": "X"}, "update_mask": "displayName"}),
    ("delete_bob", "DeleteUser", {"name": "users/bob"}),
    ("get_deleted_bob", "GetUser", {"name": "users/bob"}),
    ("list_show_deleted", "ListUsers", {"show_deleted": True}),
    ("update_deleted_bob", "UpdateUser", {"user": {"name": "users/bob", "display_name": "B"}, "update_mask": "displayName"}),
    ("delete_bob_again", "DeleteUser", {"name": "users/bob"}),
    ("delete_missing", "DeleteUser", {"name": "users/nobody"}),
    ("delete_missing_allowed", "DeleteUser", {"name": "users/nobody", "allow_missing": True}),
    ("undelete_bob", "UndeleteUser", {"name": "users/bob"}),
    ("undelete_active_bob", "UndeleteUser", {"name": "users/bob"}),
]  # fmt: skip


def contract_pool(image: Path) -> descriptor_pool.DescriptorPool:
    """A descriptor pool holding exactly the files of a frozen contract image (`buf build -o`)."""
    files = descriptor_pb2.FileDescriptorSet.FromString(image.read_bytes())
    pool = descriptor_pool.DescriptorPool()
    for file in files.file:  # buf writes every file after its imports
        pool.Add(file)
    return pool


class Conversation:
    """The steps run against one server, each request typed by one contract image."""

    def __init__(self, channel: grpc.Channel, pool: descriptor_pool.DescriptorPool) -> None:
        """Talk over `channel`; read and write messages with the types in `pool`."""
        self._channel = channel
        self._pool = pool
        self._service = pool.FindServiceByName(SERVICE)
        self._raw: dict[str, Json] = {}

    def answer(self, step: str, method: str, request: Json) -> Json:
        """Send one request; return its answer before normalisation (code, reason, message)."""
        rpc = self._service.methods_by_name[method]
        message = self._new(rpc.input_type.full_name)
        json_format.ParseDict(self._resolve(request), message, descriptor_pool=self._pool)
        call: Callable[..., bytes] = self._channel.unary_unary(f"/{SERVICE}/{method}")
        try:
            body = call(message.SerializeToString(), timeout=CALL_TIMEOUT)
        except grpc.RpcError as error:
            assert isinstance(error, grpc.Call)  # a failed blocking unary call is both
            answer: Json = {"code": error.code().name, "reason": _reason(error)}
        else:
            reply = self._new(rpc.output_type.full_name)
            reply.ParseFromString(body)
            text = json_format.MessageToDict(
                reply, preserving_proto_field_name=True, descriptor_pool=self._pool
            )
            answer = {"code": "OK", "reason": "", "message": text}
        self._raw[step] = answer.get("message", {})
        return answer

    def _new(self, type_name: str) -> Message:
        return message_factory.GetMessageClass(self._pool.FindMessageTypeByName(type_name))()

    def _resolve(self, value: Any) -> Any:
        """Replace `$step.path` strings with the values earlier answers carried."""
        if isinstance(value, dict):
            return {key: self._resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self._resolve(item) for item in value]
        found = REFERENCE.match(value) if isinstance(value, str) else None
        if found is None:
            return value
        target: Any = self._raw.get(found["step"], {})
        for key in found["path"].split("."):
            target = target.get(key, "") if isinstance(target, dict) else ""
        return target


def _reason(call: grpc.Call) -> str:
    """The ErrorInfo reason in the status details, or "" when there is none."""
    status = rpc_status.from_call(call)
    for detail in status.details if status is not None else ():
        info = error_details_pb2.ErrorInfo()
        if detail.Unpack(info):
            return info.reason
    return ""


def normalise(answers: list[Json]) -> list[Json]:
    """Replace volatile values in the answers' messages by `<field-N>`, numbered across all."""
    seen: dict[str, dict[str, str]] = {}

    def token(field: str, value: Any) -> str:
        names = seen.setdefault(field, {})
        return names.setdefault(json.dumps(value, sort_keys=True), f"<{field}-{len(names) + 1}>")

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: token(k, v) if k in VOLATILE else walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(item) for item in value]
        return value

    # Requests stay as written: their `$step.path` references are resolved on every run.
    return [
        answer | {"message": walk(answer["message"])} if "message" in answer else answer
        for answer in answers
    ]


def run(address: str, image: Path, steps: list[tuple[str, str, Json]]) -> list[Json]:
    """Run the steps in order against the server at `address`; return the normalised record."""
    with grpc.insecure_channel(address) as channel:
        conversation = Conversation(channel, contract_pool(image))
        answers = [
            {"step": step, "method": method, "request": request}
            | conversation.answer(step, method, request)
            for step, method, request in steps
        ]
    return normalise(answers)


def differences(recorded: list[Json], replayed: list[Json]) -> list[str]:
    """One line per step whose answer today differs from the recorded one."""
    lines = []
    for was, now in zip(recorded, replayed, strict=True):
        for key in ("code", "reason", "message"):
            if was.get(key) != now.get(key):
                lines.append(f"{was['step']}: {key} was {was.get(key)!r}, now {now.get(key)!r}")
    return lines
