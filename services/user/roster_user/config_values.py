"""The values settings take: one parser per kind of ROSTER_* value, and OTEL_* read whole.

A parser turns the text of a variable or flag into its value, or raises ValueError
saying what the text "must" be; `Settings.load` adds the variable's name.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit


def setting(default: str, parser: Callable[[str], Any], help: str) -> Any:
    """Declare a setting: its default (as text), its parser and what it means."""
    return dataclasses.field(
        default=parser(default), metadata={"parse": parser, "help": help, "default": default}
    )


def names(field: str) -> tuple[str, str]:
    """The environment variable and the flag of a setting: ROSTER_NAME and --name."""
    return "ROSTER_" + field.upper(), "--" + field.replace("_", "-")


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
# Asymmetric JWS algorithms only: `none` and the HS* family (whose secret a
# public key could be confused for) can never be allowed.
ASYMMETRIC_ALGORITHMS = (
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"
)  # fmt: skip


def boolean(text: str) -> bool:
    """1/true/yes/on or 0/false/no/off, in any case."""
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be true or false")


def positive_int(text: str) -> int:
    """A whole number above zero."""
    value = int(text)
    if value <= 0:
        raise ValueError("must be a positive integer")
    return value


def non_negative_int(text: str) -> int:
    """A whole number, zero or above."""
    value = int(text)
    if value < 0:
        raise ValueError("must be zero or a positive integer")
    return value


def seconds(text: str) -> float:
    """A finite, non-negative number of seconds."""
    value = float(text)
    if not value >= 0 or value == float("inf"):
        raise ValueError("must be a non-negative number of seconds")
    return value


def positive_seconds(text: str) -> float:
    """A finite number of seconds above zero."""
    value = float(text)
    if not value > 0 or value == float("inf"):
        raise ValueError("must be a positive number of seconds")
    return value


# A clock skew larger than this is no skew: it would keep expired tokens alive.
MAX_LEEWAY_SECONDS = 300.0


def leeway(text: str) -> float:
    """Seconds of clock skew: non-negative and at most MAX_LEEWAY_SECONDS."""
    value = float(text)
    if not 0 <= value <= MAX_LEEWAY_SECONDS:
        raise ValueError(f"must be between 0 and {MAX_LEEWAY_SECONDS:g} seconds")
    return value


def address(text: str) -> str:
    """HOST:PORT with a numeric port."""
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise ValueError("must be HOST:PORT")
    return text


def optional_address(text: str) -> str:
    """HOST:PORT, or empty for off."""
    return text.strip() and address(text.strip())


def database_url(text: str) -> str:
    """sqlite:///PATH or a postgresql:// (or postgres://) URL."""
    scheme = urlsplit(text).scheme
    if scheme == "sqlite" and text.startswith("sqlite:///") and len(text) > len("sqlite:///"):
        return text
    if scheme in ("postgresql", "postgres"):
        return text
    raise ValueError("must be sqlite:///PATH or postgresql://...")


def log_level(text: str) -> str:
    """One of LOG_LEVELS, in any case."""
    if text.upper() not in LOG_LEVELS:
        raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
    return text.upper()


def path(text: str) -> str:
    """A file path, or empty for none."""
    return text.strip()


def algorithms(text: str) -> tuple[str, ...]:
    """A comma-separated, non-empty list of ASYMMETRIC_ALGORITHMS."""
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in names if name not in ASYMMETRIC_ALGORITHMS]
    if unknown or not names:
        raise ValueError(f"must be a comma-separated list of {', '.join(ASYMMETRIC_ALGORITHMS)}")
    return names


def event_loop(text: str) -> str:
    """asyncio or uvloop."""
    if text.strip().lower() not in ("asyncio", "uvloop"):
        raise ValueError("must be asyncio or uvloop")
    return text.strip().lower()


# ---- tracing: the standard OTEL_* variables --------------------------------
DEFAULT_SERVICE_NAME = "roster-user"
DEFAULT_ENDPOINT = "http://localhost:4317"
EXPORTERS = ("otlp", "none")
SAMPLERS = (
    "always_on", "always_off", "parentbased_always_on", "parentbased_always_off",
    "traceidratio", "parentbased_traceidratio",
)  # fmt: skip
RATIO_SAMPLERS = ("traceidratio", "parentbased_traceidratio")


@dataclasses.dataclass(frozen=True, slots=True)
class TracingConfig:
    """Where and how much to trace; `exporter="none"` turns tracing off.

    The sampler is kept by name (and ratio) so that settings stay plain data,
    picklable for the worker processes; observability.tracing builds it.
    """

    exporter: str = "none"
    service_name: str = DEFAULT_SERVICE_NAME
    endpoint: str = DEFAULT_ENDPOINT
    sampler: str = "parentbased_always_on"
    sampler_ratio: float = 1.0

    @property
    def enabled(self) -> bool:
        """Whether spans are created and exported."""
        return self.exporter != "none"


def tracing_config(environ: Mapping[str, str]) -> TracingConfig:
    """The OTEL_* variables as the spec defines them, but for the default exporter.

    Raises ValueError with the whole message, naming the variable.
    """
    endpoint = environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or environ.get(
        "OTEL_EXPORTER_OTLP_ENDPOINT", ""
    )
    # Unlike the spec's default (otlp), tracing starts only when told where
    # to export or told to export: a process with no collector configured
    # (make run, tests, local tools) would otherwise retry against
    # localhost:4317 all the time and spend its shutdown grace doing it.
    default = "otlp" if endpoint else "none"
    exporter = environ.get("OTEL_TRACES_EXPORTER", default).strip().lower() or default
    if exporter not in EXPORTERS:
        raise ValueError(
            f"invalid OTEL_TRACES_EXPORTER={exporter!r}: must be one of {', '.join(EXPORTERS)}"
        )
    sampler = environ.get("OTEL_TRACES_SAMPLER", "parentbased_always_on").strip().lower()
    if sampler not in SAMPLERS:
        raise ValueError(
            f"invalid OTEL_TRACES_SAMPLER={sampler!r}: must be one of {', '.join(SAMPLERS)}"
        )
    return TracingConfig(
        exporter=exporter,
        service_name=environ.get("OTEL_SERVICE_NAME") or DEFAULT_SERVICE_NAME,
        endpoint=endpoint or DEFAULT_ENDPOINT,
        sampler=sampler,
        sampler_ratio=_ratio(environ) if sampler in RATIO_SAMPLERS else 1.0,
    )


def _ratio(environ: Mapping[str, str]) -> float:
    text = environ.get("OTEL_TRACES_SAMPLER_ARG", "1.0")
    try:
        ratio = float(text)
    except ValueError:
        ratio = -1.0
    if not 0.0 <= ratio <= 1.0:
        raise ValueError(
            f"invalid OTEL_TRACES_SAMPLER_ARG={text!r}: must be a ratio between 0 and 1"
        )
    return ratio
