"""`import FILE`: check every row, then create users in batches, idempotently.

Nothing is written unless every row can be imported (or --continue-on-error): rows are
checked with the server's own field rules, against each other, and against the directory
as it is (read once, page by page). A row whose user exists already with the same email
is skipped, so a re-run imports only what is missing; each create carries a request id
derived from the row, so a create retried or repeated after an interruption is harmless.
A user created by someone else between the check and the write fails that row.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence

from roster.user.v1 import user_pb2
from roster_client import RosterError, UserClient
from roster_user.domain.rules import email_key
from roster_user.operator.progress import Progress
from roster_user.operator.rows import BadRow, Row

PAGE = 500


@dataclasses.dataclass
class Summary:
    """What an import did, with the line of every row that failed."""

    created: int = 0
    skipped: int = 0
    failed: list[BadRow] = dataclasses.field(default_factory=list)

    def counts(self) -> str:
        return f"created {self.created}, skipped {self.skipped}, failed {len(self.failed)}"


async def existing_users(client: UserClient) -> list[user_pb2.User]:
    """Every user, deleted ones included (their email stays taken)."""
    found: list[user_pb2.User] = []
    token = ""
    while True:
        page = await client.list_users(page_size=PAGE, page_token=token, show_deleted=True)
        found.extend(page.users)
        token = page.next_page_token
        if not token:
            return found


def plan(
    rows: Sequence[Row | BadRow], existing: Sequence[user_pb2.User]
) -> tuple[list[Row], Summary]:
    """The rows to create, and a summary holding the skipped and the bad ones."""
    by_name = {user.name: user for user in existing}
    by_email = {email_key(user.email): user for user in existing}
    summary, todo = Summary(), []
    seen_ids: set[str] = set()
    seen_emails: set[str] = set()
    for row in rows:
        if isinstance(row, BadRow):
            summary.failed.append(row)
            continue
        email, name = email_key(row.user.email), f"users/{row.user_id}"
        same_id, same_email = by_name.get(name), by_email.get(email)
        if email in seen_emails or (row.user_id and row.user_id in seen_ids):
            summary.failed.append(
                BadRow(row.line, "repeats the user id or email of an earlier row")
            )
        elif same_id is not None and email_key(same_id.email) != email:
            summary.failed.append(BadRow(row.line, f"{name} exists with another email"))
        elif same_email is not None and row.user_id and same_email.name != name:
            summary.failed.append(BadRow(row.line, f"the email is used by {same_email.name}"))
        elif same_id is not None or same_email is not None:
            summary.skipped += 1
        else:
            todo.append(row)
        seen_emails.add(email)
        seen_ids.add(row.user_id)
    return todo, summary


async def create(
    client: UserClient, todo: Sequence[Row], summary: Summary, *, batch: int, keep_going: bool
) -> None:
    """Create the rows `batch` at a time, drawing progress; stop after a failed batch."""
    progress = Progress(len(todo))
    for start in range(0, len(todo), batch):
        rows = todo[start : start + batch]
        results = await asyncio.gather(
            *(
                client.create_user(row.user, user_id=row.user_id, request_id=row.request_id)
                for row in rows
            ),
            return_exceptions=True,
        )
        for row, result in zip(rows, results, strict=True):
            if isinstance(result, RosterError):
                summary.failed.append(BadRow(row.line, str(result)))
            elif isinstance(result, BaseException):
                raise result
            else:
                summary.created += 1
        progress.show(start + len(rows), summary.counts())
        if summary.failed and not keep_going:
            break
    progress.finish()
