"""Run the interop scenario's steps in order, printing one `ok`/`FAIL` line per step."""

import os
import secrets
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field


class StepFailed(Exception):
    """A step's check did not hold; the message says why."""


def check(condition: bool, why: str) -> None:
    """Fail the current step with why unless condition holds."""
    if not condition:
        raise StepFailed(why)


def say(line: str) -> None:
    """Write one line of the scenario's output protocol to stdout, unbuffered."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


@dataclass(frozen=True)
class Run:
    """The identity of one scenario run: language, random run id and server address."""

    language: str
    run_id: str
    address: str

    @property
    def tag(self) -> str:
        """Return `L-R`, the prefix of every user id and the scenario label value."""
        return f"{self.language}-{self.run_id}"

    def user_id(self, letter: str) -> str:
        """Return the user id `L-R-<letter>`."""
        return f"{self.tag}-{letter}"

    def user_name(self, letter: str) -> str:
        """Return the resource name `users/L-R-<letter>`."""
        return f"users/{self.user_id(letter)}"


def new_run(language: str) -> Run:
    """Return a run for language against $ROSTER_ADDRESS with a fresh 8-hex-digit id."""
    address = os.environ.get("ROSTER_ADDRESS", "")
    if not address:
        raise SystemExit("ROSTER_ADDRESS (host:port) is not set")
    return Run(language=language, run_id=secrets.token_hex(4), address=address)


@dataclass
class Steps:
    """Runs named steps in order; after the first failure the rest are reported as not run."""

    failed: list[str] = field(default_factory=list)

    def run(self, name: str, step: Callable[[], None]) -> None:
        """Run one step and print its outcome line."""
        if not self._may_start(name):
            return
        try:
            step()
        except Exception as error:  # any crash is this step's failure, with its cause
            self._fail(name, error)
        else:
            say(f"ok {name}")

    async def run_async(self, name: str, step: Callable[[], Awaitable[None]]) -> None:
        """Run one coroutine step and print its outcome line."""
        if not self._may_start(name):
            return
        try:
            await step()
        except Exception as error:  # any crash is this step's failure, with its cause
            self._fail(name, error)
        else:
            say(f"ok {name}")

    def _may_start(self, name: str) -> bool:
        """Tell whether the step may run; after a failure it is reported as not run."""
        if self.failed:
            say(f"FAIL {name}: not run, {self.failed[0]} failed")
            self.failed.append(name)
        return not self.failed

    def _fail(self, name: str, error: Exception) -> None:
        """Record and print a failed step with why it failed."""
        self.failed.append(name)
        why = str(error) if isinstance(error, StepFailed) else f"{type(error).__name__}: {error}"
        say(f"FAIL {name}: {why}")

    def exit_code(self) -> int:
        """Return 0 when every step passed, else 1."""
        return 1 if self.failed else 0
