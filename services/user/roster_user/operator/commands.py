"""The `roster-user users` commands, one small coroutine each, over the Python client."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable

from roster.user.v1 import user_pb2
from roster_client import UserClient
from roster_user.operator import importing, output, rows

Command = Callable[[UserClient, argparse.Namespace], Awaitable[int]]
ACTIVE, SUSPENDED = user_pb2.User.STATE_ACTIVE, user_pb2.User.STATE_SUSPENDED


def _name(text: str) -> str:
    return text if text.startswith("users/") else f"users/{text}"


async def get(client: UserClient, args: argparse.Namespace) -> int:
    users = [await client.get_user(_name(name)) for name in args.names]
    output.write(users, args.output)
    return 0


async def list_users(client: UserClient, args: argparse.Namespace) -> int:
    found: list[user_pb2.User] = []
    token = ""
    while True:
        page = await client.list_users(
            filter=args.filter, order_by=args.order_by, page_size=args.page_size,
            page_token=token, show_deleted=args.show_deleted,
        )  # fmt: skip
        if args.output == "json":  # JSON lines stream page by page; a table needs every row
            output.write(page.users, "json")
        else:
            found.extend(page.users)
        token = page.next_page_token
        if not token:
            break
    if args.output != "json":
        output.write(found, args.output)
    return 0


async def create(client: UserClient, args: argparse.Namespace) -> int:
    labels = dict(pair.split("=", 1) for pair in args.label)
    user = user_pb2.User(
        email=args.email,
        display_name=args.display_name,
        labels=labels,
        external_id=args.external_id,
    )
    output.write([await client.create_user(user, user_id=args.id)], args.output)
    return 0


def set_state(state: user_pb2.User.State.ValueType) -> Command:
    async def change(client: UserClient, args: argparse.Namespace) -> int:
        user = user_pb2.User(name=_name(args.name), state=state, etag=args.etag)
        output.write([await client.update_user(user, ["state"])], args.output)
        return 0

    return change


async def delete(client: UserClient, args: argparse.Namespace) -> int:
    output.write([await client.delete_user(_name(args.name), etag=args.etag)], args.output)
    return 0


async def undelete(client: UserClient, args: argparse.Namespace) -> int:
    output.write([await client.undelete_user(_name(args.name), etag=args.etag)], args.output)
    return 0


async def import_file(client: UserClient, args: argparse.Namespace) -> int:
    found = list(rows.read(args.file))
    todo, summary = importing.plan(found, await importing.existing_users(client))
    if summary.failed and not args.continue_on_error:
        _report(summary, "nothing was imported: fix these lines, or pass --continue-on-error")
        return 1
    await importing.create(
        client, todo, summary, batch=args.batch_size, keep_going=args.continue_on_error
    )
    _report(summary, "")
    return 1 if summary.failed else 0


def _report(summary: importing.Summary, note: str) -> None:
    for bad in sorted(summary.failed, key=lambda b: b.line):
        sys.stderr.write(f"line {bad.line}: {bad.problem}\n")
    if note:
        sys.stderr.write(f"{note}\n")
    sys.stdout.write(f"{summary.counts()}\n")


async def export(client: UserClient, args: argparse.Namespace) -> int:
    token = ""
    while True:  # one page in memory at a time, written as it arrives
        page = await client.list_users(
            page_size=args.page_size, page_token=token, show_deleted=True
        )
        output.write(page.users, "json")
        token = page.next_page_token
        if not token:
            return 0
