"""The client policy every Roster client embeds: the default timeout and the retry policy.

The file is a gRPC service config copied from the contract by `make gen`; the channel
applies it as is, and the resuming watch borrows its back-off.
"""

from __future__ import annotations

import dataclasses
import json
from importlib import resources
from typing import Any

SERVICE = "roster.user.v1.UserService"
# The text the channel is given, exactly as the contract's file holds it.
SERVICE_CONFIG_JSON = (
    resources.files(__package__).joinpath("service_config.json").read_text(encoding="utf-8")
)
SERVICE_CONFIG: dict[str, Any] = json.loads(SERVICE_CONFIG_JSON)


@dataclasses.dataclass(frozen=True)
class Backoff:
    """Exponential back-off between attempts, from the policy's retryPolicy."""

    initial: float
    maximum: float
    multiplier: float

    def cap(self, attempt: int) -> float:
        """The longest pause before retry number `attempt` (1-based); callers add jitter."""
        return float(min(self.maximum, self.initial * self.multiplier ** (attempt - 1)))


def _seconds(duration: str) -> float:
    """A service-config duration such as "0.1s" in seconds."""
    if not duration.endswith("s"):
        raise ValueError(f"not a service-config duration: {duration!r}")
    return float(duration[:-1])


def _service_wide() -> dict[str, Any]:
    """The methodConfig entry naming the whole service (no method)."""
    for entry in SERVICE_CONFIG["methodConfig"]:
        if any(n.get("service") == SERVICE and "method" not in n for n in entry["name"]):
            return dict(entry)
    raise LookupError(f"the service config has no entry for all of {SERVICE}")


def default_timeout() -> float:
    """The deadline of a unary call that sets none, in seconds."""
    return _seconds(_service_wide()["timeout"])


def backoff() -> Backoff:
    """The retry policy's back-off, which the resuming watch uses between reconnects."""
    retry = _service_wide()["retryPolicy"]
    return Backoff(
        initial=_seconds(retry["initialBackoff"]),
        maximum=_seconds(retry["maxBackoff"]),
        multiplier=float(retry["backoffMultiplier"]),
    )
