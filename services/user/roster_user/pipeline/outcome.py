"""The status code a call ends with, as its caller sees it (shared by metrics and spans)."""

from __future__ import annotations

import asyncio
from typing import Any

import grpc


def final_code(context: grpc.aio.ServicerContext[Any, Any], error: BaseException | None) -> Any:
    """The code set on `context` (by abort or set_code), else what `error` implies."""
    if isinstance(error, asyncio.CancelledError | GeneratorExit):
        remaining = context.time_remaining()
        expired = remaining is not None and remaining <= 0
        return grpc.StatusCode.DEADLINE_EXCEEDED if expired else grpc.StatusCode.CANCELLED
    code = context.code()
    if code is not None:
        return code
    return grpc.StatusCode.UNKNOWN if error is not None else grpc.StatusCode.OK
