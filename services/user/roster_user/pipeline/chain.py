"""The chain of layers every call passes through, in order, and what answers unknown methods."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import grpc

from roster_user.api.contract import HEALTH_SERVICE, USER_SERVICE, USER_SERVICE_V2
from roster_user.config import Settings
from roster_user.observability.metrics import Metrics
from roster_user.observability.tracing import Tracing
from roster_user.pipeline.admission import Admission
from roster_user.pipeline.auth import Authentication
from roster_user.pipeline.boundary import ErrorBoundary
from roster_user.pipeline.in_flight import InFlight
from roster_user.pipeline.layer import Use, every_method, except_services, methods_of, unless
from roster_user.pipeline.limits import CallLimits
from roster_user.pipeline.metadata import MetadataLimit
from roster_user.pipeline.metrics import RpcMetrics
from roster_user.security.authenticator import Authenticator
from roster_user.security.scopes import is_open

if TYPE_CHECKING:
    from roster_user.pipeline.calls import Handler

# Probes and tooling, not traffic: kept out of traces (they are still counted in metrics).
UNTRACED = (HEALTH_SERVICE, "grpc.reflection.")


def layers(
    settings: Settings,
    tracing: Tracing | None,
    metrics: Metrics,
    in_flight: InFlight,
    auth: Authenticator | None = None,
    admission: Admission | None = None,
) -> list[Use]:
    """Outermost first: the metadata limit, the server span, metrics, authentication, the error boundary, limits.

    The metadata limit comes first of all: grpc core does not always enforce
    it (pipeline/metadata.py), and no layer should read an oversized header,
    least of all authentication verifying a token of any size.

    Metrics sit inside the span so the latency exemplar names its trace, and
    outside the boundary so they count the status the boundary chose. They are
    outside authentication too, so refused calls are counted; a refused call
    never reaches the boundary or a handler. Per-call limits sit inside the
    boundary, which reports what they raise. Each layer names the methods it
    wraps: spans skip probes and tooling, auth skips open services, and the
    boundary and limits wrap only UserService; metrics count every method.
    Admission comes first after metrics: refusing an overloaded or stopping
    server's calls must cost less than serving them, and must be counted.
    """
    ours = methods_of(USER_SERVICE, USER_SERVICE_V2)
    limits = CallLimits(
        max_concurrent_unary=settings.max_concurrent_rpcs,
        max_call_seconds=settings.max_call_seconds,
        max_streams_per_subject=settings.max_watch_streams_per_subject,
    )
    chain = [
        Use(every_method, RpcMetrics(metrics, versioned=(USER_SERVICE, USER_SERVICE_V2))),
        *([Use(ours, admission)] if admission is not None else []),
        *([Use(unless(is_open), Authentication(auth))] if auth is not None else []),
        Use(ours, ErrorBoundary(in_flight)),
        Use(ours, limits),
    ]
    if tracing is not None:
        chain.insert(0, Use(except_services(*UNTRACED), tracing.server_spans()))
    return [Use(every_method, metadata_limit(settings, metrics)), *chain]


def metadata_limit(settings: Settings, metrics: Metrics) -> MetadataLimit:
    """Roster's own check of each call's metadata size, counted when it refuses."""
    return MetadataLimit(settings.max_metadata_bytes, metrics.metadata_refused)


def refuse_unknown(
    settings: Settings, metrics: Metrics, auth: Authenticator | None
) -> Callable[[grpc.HandlerCallDetails], Handler | None]:
    """For methods no service has: the metadata limit's refusal, then authentication's."""
    refusals = [metadata_limit(settings, metrics).refuse_unknown]
    if auth is not None:
        refusals.append(Authentication(auth).refuse_unknown)

    def refuse(details: grpc.HandlerCallDetails) -> Handler | None:
        for refusal in refusals:
            handler = refusal(details)
            if handler is not None:
                return handler
        return None

    return refuse
