"""Read the JSON messages a command-line client prints for a server stream, as they arrive."""

import codecs
import contextlib
import json
import os
import queue
import signal
import subprocess
import threading
from typing import Any

JsonObject = dict[str, Any]
_CHUNK = 65536


class StreamEnded(Exception):
    """The client exited or stayed silent before the awaited message arrived."""


class JsonStream:
    """A running client process whose stdout is a sequence of JSON objects."""

    def __init__(self, argv: list[str]) -> None:
        """Start argv with its stdout and stderr read by background threads."""
        # A session of its own: wrappers (npm's buf is a node script) start the real client
        # as a child, and close() must stop that child too, or the pipes never reach EOF.
        self._process = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
        )
        self._messages: queue.Queue[JsonObject | None] = queue.Queue()
        self._stderr: list[bytes] = []
        # Both pipes are drained continuously so the client never blocks on a full pipe.
        self._threads = [
            threading.Thread(target=self._read_stdout, daemon=True),
            threading.Thread(target=self._read_stderr, daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _read_stdout(self) -> None:
        """Decode objects from stdout into the queue; None marks the end of output."""
        assert self._process.stdout is not None
        stdout = self._process.stdout.fileno()
        decoder = json.JSONDecoder()
        text = codecs.getincrementaldecoder("utf-8")()
        buffer = ""
        while chunk := os.read(stdout, _CHUNK):
            buffer += text.decode(chunk)
            while True:
                buffer = buffer.lstrip()
                try:
                    message, end = decoder.raw_decode(buffer)
                except json.JSONDecodeError:
                    break  # an incomplete object: wait for more output
                self._messages.put(message)
                buffer = buffer[end:]
        self._messages.put(None)

    def _read_stderr(self) -> None:
        """Keep stderr for failure messages."""
        assert self._process.stderr is not None
        stderr = self._process.stderr.fileno()
        while chunk := os.read(stderr, _CHUNK):
            self._stderr.append(chunk)

    def stderr(self) -> str:
        """Return what the client wrote to stderr so far."""
        return b"".join(self._stderr).decode(errors="replace").strip()

    def next(self, timeout: float) -> JsonObject:
        """Return the next message, or raise StreamEnded after timeout seconds or at the end."""
        try:
            message = self._messages.get(timeout=timeout)
        except queue.Empty:
            raise StreamEnded(f"no message within {timeout}s") from None
        if message is None:
            self._messages.put(None)  # stay ended for later calls
            raise StreamEnded(f"stream ended (exit {self._process.wait()}): {self.stderr()}")
        return message

    def _signal_group(self, signum: int) -> None:
        """Send signum to the client's process group, if any of it is still running."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._process.pid, signum)

    def close(self) -> None:
        """Stop the client and wait for it and its reader threads."""
        self._signal_group(signal.SIGTERM)
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._signal_group(signal.SIGKILL)
            self._process.wait()
        for thread in self._threads:
            thread.join()
