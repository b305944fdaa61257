"""What a purged user's change events keep: the record's facts, none of the person's."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from roster_user.domain.model import State, User, without_personal_data

CREATED = datetime(2026, 3, 1, tzinfo=UTC)


def a_person() -> User:
    """A suspended, deleted user with every personal field filled in."""
    return User(
        user_id="ann",
        uid="0f0e4b9c-1d2e-4f5a-8b7c-6d5e4f3a2b1c",
        email="ann@example.com",
        display_name="Ann",
        state=State.SUSPENDED,
        labels={"team": "blue"},
        external_id="hr-1",
        create_time=CREATED,
        update_time=CREATED + timedelta(hours=1),
        delete_time=CREATED + timedelta(hours=2),
        version=3,
        state_reason="on sick leave",
    )


def test_every_personal_field_becomes_empty_text_or_no_labels() -> None:
    scrubbed = without_personal_data(a_person())
    personal = (
        scrubbed.email,
        scrubbed.display_name,
        dict(scrubbed.labels),
        scrubbed.external_id,
        scrubbed.state_reason,
    )
    assert personal == ("", "", {}, "", "")


def test_the_name_uid_state_times_and_version_stay() -> None:
    person = a_person()
    scrubbed = without_personal_data(person)
    assert (
        dataclasses.replace(
            scrubbed,
            email=person.email,
            display_name=person.display_name,
            labels=person.labels,
            external_id=person.external_id,
            state_reason=person.state_reason,
        )
        == person
    )
    assert (scrubbed.name, scrubbed.etag) == (person.name, person.etag)
