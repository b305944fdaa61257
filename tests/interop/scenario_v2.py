"""The roster.user.v2 interop scenario's data, shared by its Python and command-line runs.

Steps, identical in every language (each prints `ok <step>` or `FAIL <step>: <why>`):
watch-open, create, get, batch-create, list, suspend, activate, update, delete, purge,
undelete, watch-events. Purge comes before undelete so that the watch, which stops at user
a's UNDELETED, would already have received a PURGED event the filter failed to keep out.
"""

from tests.interop.scenario_steps import Run

SERVICE_V2 = "roster.user.v2.UserService"
EVENT_TIMEOUT = 15.0
SUSPEND_REASON = "interop suspend"
ACTIVATE_REASON = "interop activate"
UPDATED_NAME = "Ann Updated"
GET_MASK = ["name", "email"]
# Created by batch-create: b and c carry the run's label, d a different one, so the watch's
# filter must keep d out and the list's filter must leave it out.
BATCH_LETTERS = ("b", "c", "d")
# What the filtered watch must see, per user, by the time user a is undeleted.
WATCHED_V2 = {
    "a": ["CREATED", "UPDATED", "UPDATED", "UPDATED", "DELETED", "UNDELETED"],
    "b": ["CREATED", "DELETED"],
    "c": ["CREATED"],
}


def email(run: Run, letter: str) -> str:
    """Return the email of the scenario user letter."""
    return f"{run.user_id(letter)}@example.com"


def label(run: Run, letter: str) -> str:
    """Return the `scenario` label of user letter: the run's tag, except for d."""
    return f"{run.tag}-unwatched" if letter == "d" else run.tag


def watch_filter(run: Run) -> str:
    """Return the WatchUsers filter: the run's label only."""
    return f'labels.scenario = "{run.tag}"'


def list_filter(run: Run) -> str:
    """Return the ListUsers filter: a, c or d by email, and the run's label: users a and c."""
    emails = " OR ".join(f'email = "{email(run, letter)}"' for letter in ("a", "c", "d"))
    return f'({emails}) AND labels.scenario = "{run.tag}"'
