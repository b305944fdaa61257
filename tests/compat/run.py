"""`make compat`: every frozen release against today's code, in both directions.

For each release (compat/<contract>/<version>/), one line per check:
- `<release> <language> client -> today's server`: the release's own client and
  generated code run the interop scenario against a server built from today's code;
- `<release> server <- today's <language> client`: today's client against a server built
  from the release's commit;
- `<release> conversation -> today's server`: the recorded conversation replayed; a
  difference fails unless compat/exceptions.json names it.
The last line is `N passed, M failed`; the exit code is 1 when anything failed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from tests.compat import conversation
from tests.compat.release_server import CommitMissing, release_server
from tests.compat.released_clients import LANGUAGES, Outcome, run_released_client
from tests.compat.releases import ROOT, Release, exceptions, releases
from tests.interop.scenario_steps import say
from tests.interop.server_process import ServerFailed, ServerProcess

Check = tuple[str, Callable[[], Outcome]]


@contextmanager
def serving(make: Callable[[Path], ServerProcess]) -> Iterator[str]:
    """Start a server on a fresh database; yield its address; it must exit 0 on SIGTERM."""
    with tempfile.TemporaryDirectory(prefix="roster-compat-") as data:
        server = make(Path(data))
        address = server.start()
        try:
            yield address
        finally:
            code = server.stop()
            if code != 0:
                raise ServerFailed(f"exited {code} after SIGTERM:\n{server.log_tail()}")


def today_client(language: str, address: str) -> Outcome:
    """Today's `make interop-<language>` against `address`."""
    command = ["make", "--no-print-directory", f"interop-{language}"]
    env = os.environ | {"ROSTER_ADDRESS": address}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    return Outcome(done.returncode == 0, f"{done.stdout}{done.stderr}")


def replay(release: Release) -> Outcome:
    """The release's conversation against a fresh server of today's code."""
    recorded = json.loads(release.conversation.read_text(encoding="utf-8"))
    steps = [(a["step"], a["method"], a["request"]) for a in recorded]
    with serving(ServerProcess) as address:
        replayed = conversation.run(address, release.image, steps)
    excused = exceptions("behaviour")
    lines = [
        line
        for line in conversation.differences(recorded, replayed)
        if f"{release.label} {line.split(':', 1)[0]}" not in excused
    ]
    return Outcome(not lines, "\n".join(lines))


def report(name: str, check: Callable[[], Outcome]) -> bool:
    """Run one check, print its line (and its output when it failed); True if it passed."""
    try:
        outcome = check()
    except (ServerFailed, CommitMissing, subprocess.SubprocessError, OSError) as error:
        outcome = Outcome(False, str(error))
    say(f"{name}: {'passed' if outcome.passed else 'failed'}")
    if not outcome.passed:
        sys.stderr.write(outcome.output.rstrip() + "\n")
    return outcome.passed


def release_checks(release: Release, today: str) -> list[bool]:
    """Released clients against today's server, the conversation, then the reverse."""
    results = [
        report(
            f"{release.label} {language} client -> today's server",
            partial(run_released_client, release, language, today),
        )
        for language in LANGUAGES
    ]
    results.append(
        report(f"{release.label} conversation -> today's server", lambda: replay(release))
    )
    try:
        with serving(lambda data: release_server(release, data)) as old:
            results += [
                report(
                    f"{release.label} server <- today's {language} client",
                    partial(today_client, language, old),
                )
                for language in LANGUAGES
            ]
    except (ServerFailed, CommitMissing) as error:
        failure = Outcome(False, str(error))
        results.append(report(f"{release.label} server", lambda: failure))
    return results


def main() -> int:
    """Run every check of every frozen release; print the tally last."""
    results: list[bool] = []
    with serving(ServerProcess) as today:
        for release in releases():
            results += release_checks(release, today)
    failed = results.count(False)
    say(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())
