"""The interop scenario through the real grpcurl, using server reflection only."""

import json
import os
import subprocess
import sys

import grpc

from tests.interop.cli_scenario import Detail, JsonClient, RpcError, run_scenario
from tests.interop.json_stream import JsonObject, JsonStream
from tests.interop.scenario_steps import new_run

# grpcurl exits with 64 + the status code when the RPC fails.
STATUS_EXIT_OFFSET = 64
CODE_NAMES = {code.value[0]: code.name for code in grpc.StatusCode}
UNARY_MAX_TIME = "30"
STREAM_MAX_TIME = "120"  # a safety net only: the scenario stops the stream itself
TINY_MAX_TIME = "0.000001"
# Go's text for context.DeadlineExceeded, printed when a deadline expires inside the client.
DEADLINE_TEXT = "context deadline exceeded"


def details_of(status: JsonObject) -> list[Detail]:
    """Return the Any details of a status grpcurl printed as JSON."""
    details = []
    for detail in status.get("details", []):
        fields = dict(detail)
        type_url = str(fields.pop("@type", ""))
        details.append(Detail(type_name=type_url.rpartition("/")[2], fields=fields))
    return details


class Grpcurl(JsonClient):
    """Calls the server with grpcurl: plaintext, reflection, JSON in and out."""

    def __init__(self, binary: str, address: str) -> None:
        """Use the grpcurl at binary against address (host:port)."""
        self._binary = binary
        self._address = address

    def _argv(self, method: str, request: JsonObject, max_time: str) -> list[str]:
        """Return the command line of one call; -format-error prints a failed status as JSON."""
        body = json.dumps(request)
        flags = ["-plaintext", "-format-error", "-max-time", max_time, "-d", body]
        return [self._binary, *flags, self._address, method]

    def _result(self, done: subprocess.CompletedProcess[str]) -> JsonObject:
        """Return the response of a finished call or raise its RpcError."""
        if done.returncode == 0:
            response: JsonObject = json.loads(done.stdout)
            return response
        if done.returncode < STATUS_EXIT_OFFSET:
            raise RuntimeError(f"grpcurl exit {done.returncode}: {done.stderr.strip()}")
        code = CODE_NAMES.get(done.returncode - STATUS_EXIT_OFFSET, "UNKNOWN")
        try:
            status = json.loads(done.stdout or done.stderr)
        except json.JSONDecodeError:
            raise RpcError(code, done.stderr.strip(), []) from None
        raise RpcError(code, str(status.get("message", "")), details_of(status))

    def call(self, method: str, request: JsonObject) -> JsonObject:
        """Call a unary method and wait for grpcurl to print the response."""
        argv = self._argv(method, request, UNARY_MAX_TIME)
        return self._result(subprocess.run(argv, capture_output=True, text=True, check=False))

    def stream(self, method: str, request: JsonObject) -> JsonStream:
        """Start grpcurl in the background on a server-streaming method."""
        return JsonStream(self._argv(method, request, STREAM_MAX_TIME))

    def field_mask(self, paths: list[str]) -> object:
        """Return a FieldMask as grpcurl reads it: an object, not the standard string.

        grpcurl's JSON decoder treats FieldMask as a plain message (fullstorydev/grpcurl#393).
        """
        return {"paths": paths}

    def call_with_tiny_deadline(self, method: str, request: JsonObject) -> RpcError | None:
        """Call with -max-time of a microsecond (grpcurl's deadline)."""
        argv = self._argv(method, request, TINY_MAX_TIME)
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        if done.returncode == 0:
            return None
        # -max-time bounds dialing and reflection too, so the deadline usually expires before
        # the RPC is sent; grpcurl then exits 1 naming context.DeadlineExceeded.
        if done.returncode == 1 and DEADLINE_TEXT in done.stderr:
            return RpcError("DEADLINE_EXCEEDED", done.stderr.strip(), [])
        try:
            self._result(done)
        except RpcError as error:
            return error
        raise RuntimeError("unreachable: _result raises for a failed call")


def main() -> int:
    """Run the scenario with $GRPCURL (default: grpcurl on PATH)."""
    run = new_run("grpcurl")
    return run_scenario(Grpcurl(os.environ.get("GRPCURL", "grpcurl"), run.address), run)


if __name__ == "__main__":
    sys.exit(main())
