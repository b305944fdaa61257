"""The interop scenario through `buf curl` over the gRPC protocol, using server reflection."""

import base64
import json
import os
import subprocess
import sys

from google.protobuf import descriptor_pool, json_format, message_factory

# Registers the google.rpc detail types in the default pool, to decode error details.
from google.rpc import error_details_pb2  # noqa: F401

from tests.interop.cli_scenario import Detail, JsonClient, RpcError, run_scenario
from tests.interop.json_stream import JsonObject, JsonStream
from tests.interop.scenario_steps import new_run

# buf curl exits with the status code shifted left by 3 when the RPC fails, below 8 otherwise.
STATUS_EXIT_SHIFT = 3
TINY_TIMEOUT = "1us"
# Go's text for context.DeadlineExceeded, printed when a deadline expires inside the client.
DEADLINE_TEXT = "context deadline exceeded"


def decode_detail(type_name: str, value: str) -> JsonObject:
    """Decode a detail's base64 bytes (Connect omits padding) as the named message type."""
    descriptor = descriptor_pool.Default().FindMessageTypeByName(type_name)
    message = message_factory.GetMessageClass(descriptor)()
    message.ParseFromString(base64.b64decode(value + "=" * (-len(value) % 4)))
    return json_format.MessageToDict(message)


def details_of(error: JsonObject) -> list[Detail]:
    """Return the details of an error buf curl printed in Connect's JSON error format."""
    details = []
    for detail in error.get("details", []):
        type_name = str(detail.get("type", ""))
        # buf fills `debug` only for types compiled into it; google.rpc details are not, so
        # the scenario decodes the detail bytes buf printed, as any Connect client would.
        fields = detail.get("debug")
        if not isinstance(fields, dict):
            fields = decode_detail(type_name, str(detail.get("value", "")))
        details.append(Detail(type_name=type_name, fields=fields))
    return details


def camel_case(path: str) -> str:
    """Return a snake_case field path in lowerCamel, as proto3 JSON writes FieldMask paths."""
    first, *rest = path.split("_")
    return first + "".join(part.capitalize() for part in rest)


class BufCurl(JsonClient):
    """Calls the server with `buf curl --protocol grpc --http2-prior-knowledge`."""

    def __init__(self, binary: str, address: str) -> None:
        """Use the buf at binary against address (host:port), plaintext HTTP/2."""
        self._binary = binary
        self._address = address

    def _argv(self, method: str, request: JsonObject, *extra: str) -> list[str]:
        """Return the command line of one call."""
        flags = ["--protocol", "grpc", "--http2-prior-knowledge", "-d", json.dumps(request)]
        return [self._binary, "curl", *flags, *extra, f"http://{self._address}/{method}"]

    def _result(self, done: subprocess.CompletedProcess[str]) -> JsonObject:
        """Return the response of a finished call or raise its RpcError."""
        if done.returncode == 0:
            response: JsonObject = json.loads(done.stdout)
            return response
        if done.returncode < 1 << STATUS_EXIT_SHIFT:
            raise RuntimeError(f"buf curl exit {done.returncode}: {done.stderr.strip()}")
        try:
            error = json.loads(done.stderr)
        except json.JSONDecodeError:
            code = done.returncode >> STATUS_EXIT_SHIFT
            raise RpcError(f"CODE_{code}", done.stderr.strip(), []) from None
        code_name = str(error.get("code", "unknown")).upper()
        raise RpcError(code_name, str(error.get("message", "")), details_of(error))

    def call(self, method: str, request: JsonObject) -> JsonObject:
        """Call a unary method and wait for buf curl to print the response."""
        argv = self._argv(method, request)
        return self._result(subprocess.run(argv, capture_output=True, text=True, check=False))

    def stream(self, method: str, request: JsonObject) -> JsonStream:
        """Start buf curl in the background on a server-streaming method."""
        return JsonStream(self._argv(method, request))

    def field_mask(self, paths: list[str]) -> object:
        """Return a FieldMask in standard proto3 JSON: comma-joined lowerCamel paths."""
        return ",".join(camel_case(path) for path in paths)

    def call_with_tiny_deadline(self, method: str, request: JsonObject) -> RpcError | None:
        """Call with buf's --timeout of a microsecond, the only deadline buf curl sets.

        buf refuses a grpc-timeout header, and its --timeout covers the whole command, so the
        deadline usually expires during reflection, before the RPC is sent; buf then exits 1
        naming context.DeadlineExceeded, which counts as DEADLINE_EXCEEDED here.
        """
        argv = self._argv(method, request, "--timeout", TINY_TIMEOUT)
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        if done.returncode == 0:
            return None
        if done.returncode < 1 << STATUS_EXIT_SHIFT and DEADLINE_TEXT in done.stderr:
            return RpcError("DEADLINE_EXCEEDED", done.stderr.strip(), [])
        try:
            self._result(done)
        except RpcError as error:
            return error
        raise RuntimeError("unreachable: _result raises for a failed call")


def main() -> int:
    """Run the scenario with $BUF (default: buf on PATH)."""
    run = new_run("bufcurl")
    return run_scenario(BufCurl(os.environ.get("BUF", "buf"), run.address), run)


if __name__ == "__main__":
    sys.exit(main())
