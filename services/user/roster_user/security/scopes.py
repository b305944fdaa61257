"""Which scope each method needs, and which services need no credentials at all."""

from __future__ import annotations

from roster_user.api.contract import (
    HEALTH_SERVICE,
    REFLECTION_V1,
    REFLECTION_V1ALPHA,
)
from roster_user.api.contract import USER_SERVICE as SERVICE
from roster_user.api.contract import USER_SERVICE_V2 as SERVICE_V2

READ = "users.read"
WRITE = "users.write"
# Needed, besides the method's scope, for what only administrators may do: a
# forced PurgeUser (erasing a user that is not soft-deleted).
ADMIN = "users.admin"

# Probes and contract discovery must work without credentials (kubelet, grpcurl);
# reflection is turned off with ROSTER_REFLECTION=false when it should not be public.
OPEN_SERVICES = frozenset({HEALTH_SERVICE, REFLECTION_V1ALPHA, REFLECTION_V1})

# Every method of UserService by full path; a method missing here is denied.
_BY_NAME = {
    "GetUser": READ,
    "BatchGetUsers": READ,
    "ListUsers": READ,
    "WatchUsers": READ,
    "CreateUser": WRITE,
    "UpdateUser": WRITE,
    "DeleteUser": WRITE,
    "UndeleteUser": WRITE,
    "PurgeUser": WRITE,  # with force, ADMIN as well (checked by the servicer)
}
# roster.user.v2 has the same methods and, besides, batch creation and the
# state transitions, which write.
_BY_NAME_V2 = {**_BY_NAME, "BatchCreateUsers": WRITE, "SuspendUser": WRITE, "ActivateUser": WRITE}
REQUIRED_SCOPES = {
    **{f"/{SERVICE}/{name}": scope for name, scope in _BY_NAME.items()},
    **{f"/{SERVICE_V2}/{name}": scope for name, scope in _BY_NAME_V2.items()},
}


def is_open(method: str) -> bool:
    """Whether `method` (a full path, /package.Service/Method) needs no credentials."""
    return method.split("/")[1] in OPEN_SERVICES if method.count("/") == 2 else False


def required_scope(method: str) -> str | None:
    """The scope `method` needs, or None when no scope allows it."""
    return REQUIRED_SCOPES.get(method)
