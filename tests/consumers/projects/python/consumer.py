"""A program of another team using the packaged roster-client (see tests/consumers).

It prints the policy it embeds, pages through the users it made, then follows a
resuming watch, one line per change, until it sees a user whose id ends in -stop.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys

from roster.user.v1 import user_pb2
from roster.user.v1 import user_service_pb2 as pb
from roster_client import SERVICE_CONFIG_JSON, UserClient

EventType = pb.WatchUsersResponse.EventType


def say(line: str) -> None:
    """One line for the test, at once."""
    sys.stdout.write(f"{line}\n")
    sys.stdout.flush()


async def fresh_token() -> str:
    """A token source as a service would write one (the test server does not check it)."""
    return os.environ.get("ROSTER_TOKEN", "consumer-token")


async def main() -> None:
    """Policy, paging, then the watch."""
    address, tag = os.environ["ROSTER_ADDRESS"], os.environ["ROSTER_TAG"]
    say("policy " + json.dumps(json.loads(SERVICE_CONFIG_JSON), separators=(",", ":")))
    async with UserClient(address, token_source=fresh_token) as users:
        for n in (1, 2, 3):
            user = user_pb2.User(email=f"{tag}-p{n}@example.com", display_name=f"{tag} {n}")
            await users.create_user(user, user_id=f"{tag}-p{n}")
        await users.delete_user(f"users/{tag}-p2")
        pages = users.iter_users(
            filter=f'display_name = "{tag}*"',
            order_by="display_name desc",
            show_deleted=True,
            page_size=1,
        )
        say("paged " + ",".join([user.name async for user in pages]))
        ready, reconnects = False, 0
        watch = users.watch()
        async for event in watch:
            if watch.reconnects != reconnects:
                reconnects = watch.reconnects
                say(f"resumed after {reconnects} reconnects from revision {watch.revision}")
            if event.event_type == EventType.EVENT_TYPE_BOOKMARK:
                if not ready:
                    say(f"ready {event.revision}")
                    ready = True
                continue
            say(f"change {event.revision} {EventType.Name(event.event_type)} {event.user.name}")
            if event.user.name.endswith("-stop"):
                return


if __name__ == "__main__":
    asyncio.run(main())
