"""Typed, frozen settings read once from ROSTER_* variables and matching flags."""

from __future__ import annotations

import argparse
import dataclasses
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class SettingsError(ValueError):
    """A setting has a value the service cannot use; the message names the variable."""


def _boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be true or false")


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise ValueError("must be a positive integer")
    return value


def _seconds(text: str) -> float:
    value = float(text)
    if not value >= 0 or value == float("inf"):
        raise ValueError("must be a non-negative number of seconds")
    return value


def _address(text: str) -> str:
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise ValueError("must be HOST:PORT")
    return text


def _optional_address(text: str) -> str:
    return text.strip() and _address(text.strip())


def _database_url(text: str) -> str:
    scheme = urlsplit(text).scheme
    if scheme == "sqlite" and text.startswith("sqlite:///") and len(text) > len("sqlite:///"):
        return text
    if scheme in ("postgresql", "postgres"):
        return text
    raise ValueError("must be sqlite:///PATH or postgresql://...")


def _log_level(text: str) -> str:
    if text.upper() not in _LOG_LEVELS:
        raise ValueError(f"must be one of {', '.join(_LOG_LEVELS)}")
    return text.upper()


# Asymmetric JWS algorithms only: `none` and the HS* family (whose secret a
# public key could be confused for) can never be allowed.
_ASYMMETRIC_ALGORITHMS = (
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"
)  # fmt: skip


def _path(text: str) -> str:
    return text.strip()


def _algorithms(text: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in names if name not in _ASYMMETRIC_ALGORITHMS]
    if unknown or not names:
        raise ValueError(f"must be a comma-separated list of {', '.join(_ASYMMETRIC_ALGORITHMS)}")
    return names


def _event_loop(text: str) -> str:
    if text.strip().lower() not in ("asyncio", "uvloop"):
        raise ValueError("must be asyncio or uvloop")
    return text.strip().lower()


def setting(default: str, parse: Callable[[str], Any], help: str) -> Any:
    """Declare a setting: its default (as text), its parser and what it means."""
    return dataclasses.field(
        default=parse(default), metadata={"parse": parse, "help": help, "default": default}
    )


@dataclasses.dataclass(frozen=True, slots=True)
class Settings:
    """Every setting of the user service; the environment variable is ROSTER_ + NAME."""

    listen_address: str = setting(
        "localhost:50051", _address, "gRPC listen address, HOST:PORT (port 0 picks a free one)"
    )
    database_url: str = setting(
        "sqlite:///./var/roster.db",
        _database_url,
        "sqlite:///PATH (created if missing) or postgresql://...",
    )
    drain_seconds: float = setting(
        "5", _seconds, "after SIGTERM, seconds to keep serving while readiness reports NOT_SERVING"
    )
    shutdown_grace_seconds: float = setting(
        "10", _seconds, "seconds in-flight RPCs get to finish once the server stops accepting"
    )
    reflection: bool = setting("true", _boolean, "serve gRPC server reflection (v1 and v1alpha)")
    log_level: str = setting("INFO", _log_level, "DEBUG, INFO, WARNING or ERROR")
    max_message_bytes: int = setting(
        "4194304", _positive_int, "largest request or response message, in bytes"
    )
    max_concurrent_rpcs: int = setting(
        "1000", _positive_int, "unary calls served at once; more get RESOURCE_EXHAUSTED"
    )
    max_watch_streams: int = setting(
        "1000", _positive_int, "open WatchUsers streams; more get RESOURCE_EXHAUSTED"
    )
    watch_buffer_events: int = setting(
        "1000", _positive_int, "changes queued for one watcher before it is cut off as too slow"
    )
    watch_bookmark_seconds: float = setting(
        "30", _seconds, "quiet seconds after which a watch stream gets a bookmark"
    )
    watch_round_seconds: float = setting(
        "0.05",
        _seconds,
        "watchers taking several changes per response get them at most once per this while changes keep coming",
    )
    watch_poll_seconds: float = setting(
        "0.05", _seconds, "how often the change feed looks for changes made by other processes"
    )
    watch_retention_events: int = setting(
        "100000", _positive_int, "changes kept for resuming watches"
    )
    keepalive_min_ping_seconds: float = setting(
        "10", _seconds, "clients pinging more often than this are sent GOAWAY"
    )
    max_connection_age_seconds: float = setting(
        "300",
        _seconds,
        "connections are closed gracefully after this age so clients rebalance (0: never)",
    )
    max_connection_idle_seconds: float = setting(
        "600", _seconds, "idle connections are closed after this long (0: never)"
    )
    health_check_seconds: float = setting(
        "2", _seconds, "interval of the store check behind readiness"
    )
    sqlite_busy_timeout_seconds: float = setting(
        "10", _seconds, "how long a SQLite writer waits for the file lock"
    )
    sqlite_readers: int = setting(
        "4", _positive_int, "SQLite reader threads (each with its own connection)"
    )
    # Retention
    purge_after_seconds: float = setting(
        "2592000",
        _seconds,
        "soft-deleted users are purged for good this long after delete_time (0: never)",
    )
    idempotency_retention_seconds: float = setting(
        "604800",
        _seconds,
        "CreateUser request ids (and the responses kept for retries) are forgotten after this",
    )
    retention_sweep_seconds: float = setting(
        "60", _seconds, "how often one process purges expired users and forgets old request ids"
    )
    # Observability
    metrics_address: str = setting(
        "localhost:9464",
        _optional_address,
        "Prometheus /metrics endpoint, HOST:PORT (port 0 picks a free one; empty: off)",
    )
    # Security
    tls_cert_file: str = setting(
        "", _path, "PEM server certificate chain; with tls_key_file turns TLS on (empty: plaintext)"
    )
    tls_key_file: str = setting("", _path, "PEM private key of tls_cert_file")
    tls_client_ca_file: str = setting(
        "", _path, "PEM CA bundle; when set every client must present a certificate it signed"
    )
    auth_jwks_file: str = setting(
        "", _path, "JSON Web Key Set verifying bearer tokens; when set, auth is on (empty: off)"
    )
    auth_issuer: str = setting("", str, "required `iss` of bearer tokens (required with auth)")
    auth_audience: str = setting("", str, "required `aud` of bearer tokens (required with auth)")
    auth_algorithms: tuple[str, ...] = setting(
        "RS256,PS256,ES256,EdDSA", _algorithms, "JWS algorithms accepted (asymmetric only)"
    )
    auth_leeway_seconds: float = setting(
        "30", _seconds, "clock skew tolerated when checking `exp` and `nbf`"
    )
    max_watch_streams_per_subject: int = setting(
        "20", _positive_int, "open WatchUsers streams of one authenticated subject"
    )
    max_streams_per_connection: int = setting(
        "100", _positive_int, "concurrent HTTP/2 streams one connection may open"
    )
    max_metadata_bytes: int = setting(
        "16384", _positive_int, "largest request metadata (headers) accepted, in bytes"
    )
    max_call_seconds: float = setting(
        "30", _seconds, "ceiling on one unary call; calls without a deadline or a longer one get it"
    )
    # PostgreSQL
    database_pool_size: int = setting(
        "10", _positive_int, "PostgreSQL connections each process keeps open"
    )
    database_connect_timeout_seconds: float = setting(
        "5",
        _seconds,
        "longest wait for a PostgreSQL connection (new or from the pool) before UNAVAILABLE",
    )
    database_statement_timeout_seconds: float = setting(
        "10", _seconds, "PostgreSQL cancels a statement running longer than this (0: never)"
    )
    # Workers
    workers: int = setting(
        "1",
        _positive_int,
        "server processes sharing the port (SO_REUSEPORT) under one supervisor; "
        "1 serves in this process",
    )
    event_loop: str = setting(
        "asyncio", _event_loop, "asyncio or uvloop (less CPU per call; see bench/results.md)"
    )

    def __post_init__(self) -> None:
        """Reject combinations of settings that cannot work, naming the variable to set."""
        if bool(self.tls_cert_file) != bool(self.tls_key_file):
            missing = "tls_key_file" if self.tls_cert_file else "tls_cert_file"
            raise SettingsError(f"{env_name(missing)} is required for TLS")
        if self.tls_client_ca_file and not self.tls_cert_file:
            raise SettingsError("ROSTER_TLS_CERT_FILE is required with ROSTER_TLS_CLIENT_CA_FILE")
        for needed in ("auth_issuer", "auth_audience"):
            if self.auth_jwks_file and not getattr(self, needed):
                raise SettingsError(f"{env_name(needed)} is required with ROSTER_AUTH_JWKS_FILE")

    @classmethod
    def load(cls, environ: Mapping[str, str], argv: Sequence[str] = ()) -> Settings:
        """Settings from flags, then ROSTER_* variables, then defaults; SettingsError if invalid."""
        flags = _flag_parser().parse_args(list(argv))
        values: dict[str, Any] = {}
        for field in dataclasses.fields(cls):
            variable = env_name(field.name)
            raw = getattr(flags, field.name)
            source = f"--{field.name.replace('_', '-')}"
            if raw is None:
                raw, source = environ.get(variable), variable
            if raw is None:
                continue
            try:
                values[field.name] = field.metadata["parse"](raw)
            except ValueError as exc:
                reason = str(exc) if "must" in str(exc) else "has the wrong form"
                raise SettingsError(f"invalid {source}={raw!r}: {reason}") from None
        return cls(**values)


def env_name(field: str) -> str:
    """The environment variable of a setting."""
    return "ROSTER_" + field.upper()


def _flag_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    for field in dataclasses.fields(Settings):
        parser.add_argument(f"--{field.name.replace('_', '-')}", dest=field.name, default=None)
    return parser


def describe() -> list[tuple[str, str, str, str]]:
    """(variable, flag, default, meaning) for every setting, for --help and the README."""
    return [
        (
            env_name(f.name),
            f"--{f.name.replace('_', '-')}",
            f.metadata["default"],
            f.metadata["help"],
        )
        for f in dataclasses.fields(Settings)
    ]


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
