"""baseline-naive: GetUser/CreateUser written the common way, for comparison with Roster.

A sync grpc.server on a thread pool, a new sqlite3 connection per request, one
commit per write, and OpenTelemetry's global instrumentation of grpc.server.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import sys
import threading
import time
import uuid
from concurrent import futures
from typing import Any

import grpc
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.grpc import GrpcInstrumentorServer
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from roster.user.v1 import user_pb2
from roster.user.v1 import user_service_pb2 as pb

COLUMNS = "user_id, uid, email, display_name, labels, create_time, update_time, version"


def connect(path: str) -> sqlite3.Connection:
    """A fresh connection, as a per-request handler usually opens one."""
    conn = sqlite3.connect(path, timeout=10)
    conn.execute("PRAGMA synchronous=FULL")
    return conn


def to_proto(row: tuple[Any, ...]) -> user_pb2.User:
    """A users row as the User message."""
    user = user_pb2.User(
        name=f"users/{row[0]}",
        uid=row[1],
        email=row[2],
        display_name=row[3],
        labels=json.loads(row[4]),
        etag=str(row[7]),
    )
    user.create_time.FromMicroseconds(row[5])
    user.update_time.FromMicroseconds(row[6])
    return user


class NaiveUsers:
    """GetUser and CreateUser straight onto SQL."""

    def __init__(self, path: str) -> None:
        self._path = path

    def GetUser(self, request: pb.GetUserRequest, context: Any) -> pb.GetUserResponse:
        """One user by name."""
        conn = connect(self._path)
        try:
            row = conn.execute(
                f"SELECT {COLUMNS} FROM users WHERE user_id = ?",  # noqa: S608
                (request.name.removeprefix("users/"),),
            ).fetchone()
        finally:
            conn.close()
        if row is None:
            context.abort(grpc.StatusCode.NOT_FOUND, "no such user")
        return pb.GetUserResponse(user=to_proto(row))

    def CreateUser(self, request: pb.CreateUserRequest, context: Any) -> pb.CreateUserResponse:
        """Insert a user and its change record, one durable commit per request."""
        if "@" not in request.user.email:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "email is invalid")
        uid = str(uuid.uuid4())
        now = time.time_ns() // 1000
        row = (request.user_id or uid, uid, request.user.email, request.user.display_name)
        conn = connect(self._path)
        try:
            with conn:
                conn.execute(
                    "INSERT INTO users (user_id, uid, email, email_key, display_name, state, "
                    "labels, external_id, create_time, update_time, version) "
                    "VALUES (?, ?, ?, ?, ?, 1, '{}', '', ?, ?, 1)",
                    (*row[:3], row[2].casefold(), row[3], now, now),
                )
                conn.execute(
                    "INSERT INTO changes (event_type, user_snapshot, commit_time) VALUES (1, ?, ?)",
                    (json.dumps(row), now),
                )
        except sqlite3.IntegrityError:
            context.abort(grpc.StatusCode.ALREADY_EXISTS, "user exists")
        finally:
            conn.close()
        return pb.CreateUserResponse(user=to_proto((*row, "{}", now, now, 1)))


def main(address: str, path: str) -> None:
    """Serve until SIGTERM."""
    # The common setup: the SDK reads OTEL_* variables; instrument() patches grpc.server.
    provider = TracerProvider()
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    GrpcInstrumentorServer().instrument()  # type: ignore[no-untyped-call]
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=10), options=[("grpc.so_reuseport", 0)]
    )
    users = NaiveUsers(path)
    handlers: dict[str, grpc.RpcMethodHandler[Any, Any]] = {
        "GetUser": grpc.unary_unary_rpc_method_handler(
            users.GetUser,
            request_deserializer=pb.GetUserRequest.FromString,
            response_serializer=pb.GetUserResponse.SerializeToString,
        ),
        "CreateUser": grpc.unary_unary_rpc_method_handler(
            users.CreateUser,
            request_deserializer=pb.CreateUserRequest.FromString,
            response_serializer=pb.CreateUserResponse.SerializeToString,
        ),
    }
    service = pb.DESCRIPTOR.services_by_name["UserService"].full_name
    server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(service, handlers)])
    port = server.add_insecure_port(address)
    server.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    host = address.rpartition(":")[0]
    sys.stderr.write(json.dumps({"message": "serving", "address": f"{host}:{port}"}) + "\n")
    sys.stderr.flush()
    stop.wait()
    server.stop(1).wait()
    provider.shutdown()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
