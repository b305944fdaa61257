"""The `roster-user` command: `serve` and `migrate` with settings from env and flags; `users`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from roster_user import server
from roster_user.config import Settings, SettingsError, describe, environment
from roster_user.lifecycle.event_loop import run_loop
from roster_user.observability import logs, native_logs
from roster_user.security import material
from roster_user.version import VERSION


def _parser() -> argparse.ArgumentParser:
    table = "\n".join(
        f"  {var:42} {flag:38} default {default!r}\n      {meaning}"
        for var, flag, default, meaning in describe()
    )
    parser = argparse.ArgumentParser(
        prog="roster-user",
        description="Roster's user service. `roster-user users --help`: the operator's commands.",
        epilog=f"settings (environment variable, flag, default):\n{table}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"roster-user {VERSION}")
    parser.add_argument("command", choices=("serve", "migrate"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command and settings, then run it; a bad setting exits 2 with one line."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["users"]:
        # Imported here: a serving process never loads the operator's client side.
        from roster_user.operator import main as operator

        return operator.main(arguments[1:])
    args, rest = _parser().parse_known_args(arguments)
    try:
        settings = Settings.load(environment(), rest)
        if args.command == "serve":
            material.read_security(settings)  # unusable TLS or JWKS files are bad settings too
    except (SettingsError, argparse.ArgumentError) as error:
        sys.stderr.write(f"roster-user: {error}\n")
        return 2
    # Before any server starts: grpc core's own lines then join the JSON stream.
    native_logs.capture()
    logs.configure(settings.log_level)
    if args.command == "serve" and settings.workers > 1:
        # Imported here: a single process never loads the pool (tests/unit/test_layering.py).
        from roster_user.pool import supervisor

        return supervisor.supervise(settings)
    if args.command == "serve":
        return run_loop(settings, server.serve(settings, settings.tracing))
    return run_loop(settings, server.migrate(settings))


if __name__ == "__main__":
    sys.exit(main())
