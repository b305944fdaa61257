"""How the server treats connections: message and metadata limits, keepalive, ageing."""

from __future__ import annotations

from roster_user.config import Settings

# Far above what the connection limits let in: core's own backlog refusal never fires.
CORE_PENDING_LIMIT = 1 << 30


def server_options(settings: Settings, *, reuse_port: bool = False) -> list[tuple[str, int]]:
    """Channel arguments for limits, keepalive enforcement and connection ageing."""

    def ms(seconds: float) -> int:
        return int(seconds * 1000)

    options = [
        ("grpc.max_receive_message_length", settings.max_message_bytes),
        ("grpc.max_send_message_length", settings.max_message_bytes),
        # grpc enables SO_REUSEPORT by default, which would let a second server
        # bind this port silently and steal half the connections; only our own
        # workers (roster_user.pool.supervisor, which reserves the address) share it.
        ("grpc.so_reuseport", int(reuse_port)),
        (
            "grpc.http2.min_recv_ping_interval_without_data_ms",
            ms(settings.keepalive_min_ping_seconds),
        ),
        ("grpc.http2.max_ping_strikes", 2),
        ("grpc.keepalive_permit_without_calls", 1),
        ("grpc.keepalive_time_ms", 60_000),
        ("grpc.keepalive_timeout_ms", 20_000),
        ("grpc.max_concurrent_streams", settings.max_streams_per_connection),
        # By default grpc counts a finished stream against that limit until the
        # application has released it, and refuses new streams past it with
        # REFUSED_STREAM (UNAVAILABLE) even from a client that keeps to the
        # limit: under load that failed writes on their own connection while
        # watch fan-out kept the loop busy, unseen by Roster's metrics. The
        # limit now counts the streams the client has open, as HTTP/2 says.
        ("grpc.http.overload_protection", 0),
        # grpc core refuses calls the application has not yet asked for at random
        # once more than 1,000 wait, and all beyond 3,000; on this (filter stack)
        # path the refusal is a bare CANCELLED the caller cannot tell from its own
        # cancellation, sent before Roster sees or counts the call. The streams
        # per connection already bound that queue, so core keeps every call and
        # Roster's admission layer refuses the excess with RESOURCE_EXHAUSTED.
        ("grpc.server.max_pending_requests", CORE_PENDING_LIMIT),
        ("grpc.server.max_pending_requests_hard_limit", CORE_PENDING_LIMIT),
        # Equal soft and hard limits: between them grpc rejects at random.
        ("grpc.max_metadata_size", settings.max_metadata_bytes),
        ("grpc.absolute_max_metadata_size", settings.max_metadata_bytes),
    ]
    if settings.max_connection_age_seconds:
        options += [
            ("grpc.max_connection_age_ms", ms(settings.max_connection_age_seconds)),
            ("grpc.max_connection_age_grace_ms", ms(settings.shutdown_grace_seconds)),
        ]
    if settings.max_connection_idle_seconds:
        options.append(("grpc.max_connection_idle_ms", ms(settings.max_connection_idle_seconds)))
    return options
