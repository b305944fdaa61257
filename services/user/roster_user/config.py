"""Typed, frozen settings read once: ROSTER_* variables, matching flags, and OTEL_*.

Longer than a module should be because every setting is declared here once, with its
default and meaning (the README table and --help are generated from it); the value
parsers live in config_values.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from roster_user import config_values as parse
from roster_user.config_values import TracingConfig, names, setting


class SettingsError(ValueError):
    """A setting has a value the service cannot use; the message names the variable."""


@dataclasses.dataclass(frozen=True, slots=True)
class Settings:
    """Every setting of the user service: ROSTER_NAME and --name (see `names`), and OTEL_*."""

    # ---- serving and storage
    listen_address: str = setting(
        "localhost:50051", parse.address, "gRPC listen address, HOST:PORT (port 0 picks a free one)"
    )
    database_url: str = setting(
        "sqlite:///./var/roster.db",
        parse.database_url,
        "sqlite:///PATH (created if missing) or postgresql://...",
    )
    database_url_file: str = setting(
        "",
        parse.path,
        "file holding database_url, read at start (a mounted Secret, so a password "
        "stays out of the environment)",
    )
    drain_seconds: float = setting(
        "5",
        parse.seconds,
        "after SIGTERM, seconds to keep serving while readiness reports NOT_SERVING",
    )
    shutdown_grace_seconds: float = setting(
        "10", parse.seconds, "seconds in-flight RPCs get to finish once the server stops accepting"
    )
    reflection: bool = setting(
        "true", parse.boolean, "serve gRPC server reflection (v1 and v1alpha)"
    )
    log_level: str = setting("INFO", parse.log_level, "DEBUG, INFO, WARNING or ERROR")
    # ---- limits on every call
    max_message_bytes: int = setting(
        "4194304", parse.positive_int, "largest request or response message, in bytes"
    )
    max_concurrent_rpcs: int = setting(
        "1000", parse.positive_int, "unary calls served at once; more get RESOURCE_EXHAUSTED"
    )
    max_queue_seconds: float = setting(
        "0.5",
        parse.seconds,
        "new calls get RESOURCE_EXHAUSTED while ready work waits longer than this for the server (0: never)",
    )
    max_watch_streams: int = setting(
        "1000", parse.positive_int, "open WatchUsers streams; more get RESOURCE_EXHAUSTED"
    )
    # ---- reads served from cached encodings
    wire_cache_entries: int = setting(
        "100000",
        parse.non_negative_int,
        "user encodings kept per process for reuse by reads, one per user version and "
        "contract; each also costs about 350 bytes of bookkeeping (0: none)",
    )
    wire_cache_bytes: int = setting(
        "67108864",
        parse.non_negative_int,
        "bytes of user encodings kept per process; the least recently used go first (0: none)",
    )
    # ---- the change feed and watch streams
    watch_buffer_events: int = setting(
        "1000",
        parse.positive_int,
        "changes queued for one watcher before it is cut off as too slow",
    )
    watch_max_behind_seconds: float = setting(
        "0.5",
        parse.seconds,
        "while a watcher has had changes waiting this long, the watchers furthest behind are cut off",
    )
    watch_bookmark_seconds: float = setting(
        "30", parse.seconds, "quiet seconds after which a watch stream gets a bookmark"
    )
    watch_round_seconds: float = setting(
        "0.05",
        parse.seconds,
        "watchers taking several changes per response get them at most once per this while changes keep coming",
    )
    watch_poll_seconds: float = setting(
        "0.05", parse.seconds, "how often the change feed looks for changes made by other processes"
    )
    watch_retention_events: int = setting(
        "100000", parse.positive_int, "changes kept for resuming watches"
    )
    # ---- connections and readiness
    keepalive_min_ping_seconds: float = setting(
        "10", parse.seconds, "clients pinging more often than this are sent GOAWAY"
    )
    max_connection_age_seconds: float = setting(
        "300",
        parse.seconds,
        "connections are closed gracefully after this age so clients rebalance (0: never)",
    )
    max_connection_idle_seconds: float = setting(
        "600", parse.seconds, "idle connections are closed after this long (0: never)"
    )
    health_check_seconds: float = setting(
        "2", parse.seconds, "interval of the store check behind readiness"
    )
    # ---- SQLite
    sqlite_busy_timeout_seconds: float = setting(
        "10", parse.seconds, "how long a SQLite writer waits for the file lock"
    )
    sqlite_readers: int = setting(
        "4", parse.positive_int, "SQLite reader threads (each with its own connection)"
    )
    # ---- retention and erasure
    purge_after_seconds: float = setting(
        "2592000",
        parse.seconds,
        "soft-deleted users are purged for good this long after delete_time (0: never)",
    )
    idempotency_retention_seconds: float = setting(
        "604800",
        parse.seconds,
        "CreateUser request ids (and the responses kept for retries) are forgotten after this",
    )
    retention_sweep_seconds: float = setting(
        "60",
        parse.seconds,
        "how often one process purges expired users and forgets old request ids",
    )
    # ---- observability (tracing: the standard OTEL_* variables, no flags)
    metrics_address: str = setting(
        "localhost:9464",
        parse.optional_address,
        "Prometheus /metrics endpoint, HOST:PORT (port 0 picks a free one; empty: off)",
    )
    tracing: TracingConfig = dataclasses.field(default=TracingConfig())
    # ---- TLS and bearer-token auth
    tls_cert_file: str = setting(
        "",
        parse.path,
        "PEM server certificate chain; with tls_key_file turns TLS on (empty: plaintext)",
    )
    tls_key_file: str = setting("", parse.path, "PEM private key of tls_cert_file")
    tls_client_ca_file: str = setting(
        "", parse.path, "PEM CA bundle; when set every client must present a certificate it signed"
    )
    auth_jwks_file: str = setting(
        "",
        parse.path,
        "JSON Web Key Set verifying bearer tokens; when set, auth is on (empty: off)",
    )
    auth_issuer: str = setting("", str, "required `iss` of bearer tokens (required with auth)")
    auth_audience: str = setting("", str, "required `aud` of bearer tokens (required with auth)")
    auth_algorithms: tuple[str, ...] = setting(
        "RS256,PS256,ES256,EdDSA", parse.algorithms, "JWS algorithms accepted (asymmetric only)"
    )
    auth_leeway_seconds: float = setting(
        "30", parse.leeway, "clock skew tolerated when checking `exp` and `nbf` (at most 300)"
    )
    auth_jwks_reload_seconds: float = setting(
        "10",
        parse.positive_seconds,
        "how often the JWKS file is re-read by content, and open streams re-check their key",
    )
    auth_jwks_max_stale_seconds: float = setting(
        "300",
        parse.seconds,
        "how long an unreadable or unparseable JWKS file keeps the previous keys (then none)",
    )
    # ---- limits per subject, connection and call
    max_watch_streams_per_subject: int = setting(
        "20", parse.positive_int, "open WatchUsers streams of one authenticated subject"
    )
    max_streams_per_connection: int = setting(
        "100", parse.positive_int, "concurrent HTTP/2 streams one connection may open"
    )
    max_metadata_bytes: int = setting(
        "16384", parse.positive_int, "largest request metadata (headers) accepted, in bytes"
    )
    max_call_seconds: float = setting(
        "30",
        parse.seconds,
        "ceiling on one unary call; calls without a deadline or a longer one get it",
    )
    # ---- PostgreSQL
    database_pool_size: int = setting(
        "10", parse.positive_int, "PostgreSQL connections each process keeps open"
    )
    database_connect_timeout_seconds: float = setting(
        "5",
        parse.seconds,
        "longest wait for a PostgreSQL connection (new or from the pool) before UNAVAILABLE",
    )
    database_statement_timeout_seconds: float = setting(
        "10", parse.seconds, "PostgreSQL cancels a statement running longer than this (0: never)"
    )
    # ---- worker processes and the event loop
    workers: int = setting(
        "1",
        parse.positive_int,
        "server processes sharing the port (SO_REUSEPORT) under one supervisor; "
        "1 serves in this process",
    )
    event_loop: str = setting(
        "asyncio", parse.event_loop, "asyncio or uvloop (less CPU per call; see bench/results.md)"
    )

    def __post_init__(self) -> None:
        """Reject combinations of settings that cannot work, naming the variable to set."""
        if bool(self.tls_cert_file) != bool(self.tls_key_file):
            missing = "tls_key_file" if self.tls_cert_file else "tls_cert_file"
            raise SettingsError(f"{names(missing)[0]} is required for TLS")
        if self.tls_client_ca_file and not self.tls_cert_file:
            raise SettingsError("ROSTER_TLS_CERT_FILE is required with ROSTER_TLS_CLIENT_CA_FILE")
        for needed in ("auth_issuer", "auth_audience"):
            if self.auth_jwks_file and not getattr(self, needed):
                raise SettingsError(f"{names(needed)[0]} is required with ROSTER_AUTH_JWKS_FILE")

    @classmethod
    def load(cls, environ: Mapping[str, str], argv: Sequence[str] = ()) -> Settings:
        """Settings from flags, then ROSTER_* variables, then defaults; SettingsError if invalid."""
        flags = argparse.ArgumentParser(add_help=False, exit_on_error=False)
        for field in declared():
            flags.add_argument(names(field.name)[1], dest=field.name, default=None)
        parsed = flags.parse_args(list(argv))
        values: dict[str, Any] = {}
        for field in declared():
            variable, source = names(field.name)
            raw = getattr(parsed, field.name)
            if raw is None:
                raw, source = environ.get(variable), variable
            if raw is None:
                continue
            try:
                values[field.name] = field.metadata["parse"](raw)
            except ValueError as exc:
                reason = str(exc) if "must" in str(exc) else "has the wrong form"
                raise SettingsError(f"invalid {source}={raw!r}: {reason}") from None
        if values.get("database_url_file"):
            values["database_url"] = _database_url_from_file(values)
        try:
            values["tracing"] = parse.tracing_config(environ)
        except ValueError as exc:
            raise SettingsError(str(exc)) from None
        return cls(**values)


def _database_url_from_file(values: Mapping[str, Any]) -> str:
    """The URL in ROSTER_DATABASE_URL_FILE; errors name the file, never its content."""
    variable, path = names("database_url_file")[0], values["database_url_file"]
    if "database_url" in values:
        raise SettingsError(f"set ROSTER_DATABASE_URL or {variable}, not both")
    try:
        text = Path(path).read_text().strip()
    except OSError as exc:
        raise SettingsError(f"invalid {variable}={path!r}: {exc.strerror}") from None
    try:
        return parse.database_url(text)
    except ValueError as exc:
        raise SettingsError(f"invalid {variable}={path!r}: the URL in it {exc}") from None


def declared() -> list[dataclasses.Field[Any]]:
    """The settings with a variable and a flag (all but `tracing`, read from OTEL_*)."""
    return [f for f in dataclasses.fields(Settings) if "parse" in f.metadata]


def describe() -> list[tuple[str, str, str, str]]:
    """(variable, flag, default, meaning) for every setting, for --help and the README."""
    return [(*names(f.name), f.metadata["default"], f.metadata["help"]) for f in declared()]


def environment() -> Mapping[str, str]:
    """The process environment (read once by the entry point)."""
    return os.environ


def markdown_table() -> str:
    """The settings as the Markdown table the README shows."""
    rows = ["| Environment variable | Flag | Default | Meaning |", "|---|---|---|---|"]
    rows += [
        f"| `{var}` | `{flag}` | `{default}` | {meaning} |"
        for var, flag, default, meaning in describe()
    ]
    return "\n".join(rows)
