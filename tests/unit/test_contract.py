"""The service's rules agree with what the contract declares."""

from __future__ import annotations

from roster.user.v1 import user_pb2, user_service_pb2
from roster_user.api import field_behavior
from roster_user.api.errors import STATUS_CODES, undeclared_reasons
from roster_user.domain import fields
from roster_user.domain.errors import DomainError
from roster_user.domain.model import EventType, State


def test_every_domain_reason_is_declared_in_the_error_reason_enum() -> None:
    assert undeclared_reasons() == set()


def test_every_domain_error_has_a_status_code() -> None:
    def leaves(kind: type[DomainError]) -> set[type[DomainError]]:
        subclasses = set(kind.__subclasses__())
        return subclasses | {leaf for sub in subclasses for leaf in leaves(sub)}

    concrete = {kind for kind in leaves(DomainError) if kind.__name__ != "ResourceError"}
    assert concrete <= set(STATUS_CODES)


def test_the_domains_field_rules_match_the_field_behaviour_annotations() -> None:
    assert fields.WRITABLE == field_behavior.WRITABLE
    assert fields.IMMUTABLE == field_behavior.IMMUTABLE
    assert fields.REQUIRED == field_behavior.REQUIRED
    assert {
        "name",
        "uid",
        "create_time",
        "update_time",
        "delete_time",
        "expire_time",
    } == field_behavior.OUTPUT_ONLY


def test_domain_enums_match_the_contracts_numbers() -> None:
    assert {s.name: int(s) for s in State} == {
        name.removeprefix("STATE_"): number for name, number in user_pb2.User.State.items()
    }
    events = user_service_pb2.WatchUsersResponse.EventType
    for event in EventType:
        assert events.Value(f"EVENT_TYPE_{event.name}") == int(event)
