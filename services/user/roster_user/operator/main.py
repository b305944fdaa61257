"""`roster-user users ...`: the parser, and running one command against the server."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from roster_client import RosterError
from roster_user.operator import commands, completion, connection

FORMS = ("table", "json")


def parser() -> argparse.ArgumentParser:
    """Every command with its flags; completion is generated from this same tree.

    Long because it is a table: one declaration a flag, nothing else.
    """
    top = argparse.ArgumentParser(
        prog="roster-user users", description="Manage users on a running Roster server."
    )
    subs = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, run: commands.Command | None, summary: str) -> argparse.ArgumentParser:
        sub = subs.add_parser(name, help=summary, description=summary)
        sub.set_defaults(run=run)
        if run is not None:
            connection.add_flags(sub)
            sub.add_argument(
                "--output", "-o", choices=FORMS, default="table", help="table or json lines"
            )
        return sub

    command("get", commands.get, "show users by name").add_argument(
        "names", nargs="+", metavar="NAME"
    )
    listing = command("list", commands.list_users, "list users (every page)")
    listing.add_argument(
        "--filter", default="", help='e.g. state = ACTIVE AND labels.team = "blue"'
    )
    listing.add_argument("--order-by", default="", help="create_time or display_name [asc|desc]")
    listing.add_argument("--page-size", type=int, default=100, help="users per call (100)")
    listing.add_argument("--show-deleted", action="store_true", help="include soft-deleted users")
    create = command("create", commands.create, "create a user")
    create.add_argument("--email", required=True)
    create.add_argument("--id", default="", help="the user id (default: the server makes one)")
    create.add_argument("--display-name", default="")
    create.add_argument("--external-id", default="")
    create.add_argument("--label", action="append", default=[], metavar="KEY=VALUE")
    for name, run, summary in (
        ("suspend", commands.set_state(commands.SUSPENDED), "suspend a user"),
        ("activate", commands.set_state(commands.ACTIVE), "activate a suspended user"),
        ("delete", commands.delete, "soft-delete a user"),
        ("undelete", commands.undelete, "restore a soft-deleted user"),
    ):
        one = command(name, run, summary)
        one.add_argument("name", metavar="NAME")
        one.add_argument("--etag", default="", help="fail with ABORTED if the user changed since")
    importing = command(
        "import", commands.import_file, "create users from a CSV or JSON-lines file"
    )
    importing.add_argument("file", type=Path, metavar="FILE")
    importing.add_argument(
        "--batch-size", type=int, default=50, help="creates in flight at once (50)"
    )
    importing.add_argument(
        "--continue-on-error", action="store_true", help="import the good rows anyway"
    )
    exporting = command("export", commands.export, "write every user as JSON lines, page by page")
    exporting.add_argument("--page-size", type=int, default=500)
    shells = command(
        "completion", None, "print a bash completion script (also for zsh's bashcompinit)"
    )
    shells.add_argument("shell", choices=("bash",))
    return top


def main(argv: Sequence[str]) -> int:
    """Run one command; a failed call prints `error: CODE: message` and exits 1."""
    tree = parser()
    args = tree.parse_args(argv)
    if args.run is None:
        sys.stdout.write(completion.bash(tree))
        return 0
    try:
        return asyncio.run(_run(args))
    except RosterError as error:
        reason = f" ({error.reason})" if error.reason else ""
        sys.stderr.write(f"error: {error.code.name}: {error.message}{reason}\n")
        return 1
    except OSError as error:
        sys.stderr.write(f"error: {error}\n")
        return 1


async def _run(args: argparse.Namespace) -> int:
    run: commands.Command = args.run
    async with connection.client(args) as client:
        return await run(client, args)
