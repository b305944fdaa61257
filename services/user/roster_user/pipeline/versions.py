"""ContractVersions: the pipeline layer counting UserService calls by contract version."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any

from prometheus_client.metrics import Counter

from roster_user.pipeline.calls import Call, Context, around

if TYPE_CHECKING:
    from roster_user.pipeline.calls import Handler


def version_of(method: str) -> tuple[str, str]:
    """("v1", "GetUser") for "/roster.user.v1.UserService/GetUser"."""
    _, service, name = method.split("/")
    return service.split(".")[-2], name


class ContractVersions:
    """Counts each call once, as it starts, with the labels bound when the method is wrapped."""

    def __init__(self, calls: Counter) -> None:
        self._calls = calls

    def wrap(self, method: str, handler: Handler) -> Handler:
        """`handler`, counting each call under its version and method."""
        counter = self._calls.labels(*version_of(method))

        async def counted(request: Any, context: Context) -> AsyncGenerator[Call, None]:
            counter.inc()
            yield Call(request, context)

        return around(handler, counted)
