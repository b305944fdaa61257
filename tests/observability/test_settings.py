"""Tracing and metrics settings: the standard OTEL_* variables and ROSTER_METRICS_ADDRESS."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys

import pytest
from opentelemetry.sdk.trace.sampling import DEFAULT_ON, Decision, ParentBasedTraceIdRatio

from roster_user.config import Settings, SettingsError
from roster_user.config_values import DEFAULT_ENDPOINT
from roster_user.observability.tracing import sampler


def test_without_otel_variables_tracing_is_off() -> None:
    assert not Settings.load({}).tracing.enabled


def test_an_otlp_endpoint_alone_turns_tracing_on() -> None:
    config = Settings.load({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4317"}).tracing
    assert (config.enabled, config.endpoint, sampler(config)) == (True, "http://c:4317", DEFAULT_ON)
    assert config.service_name == "roster-user"


def test_the_otlp_exporter_alone_sends_to_the_local_collector() -> None:
    config = Settings.load({"OTEL_TRACES_EXPORTER": "otlp"}).tracing
    assert (config.enabled, config.endpoint) == (True, DEFAULT_ENDPOINT)


def test_the_none_exporter_turns_tracing_off_even_with_an_endpoint() -> None:
    environ = {"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4317"}
    assert not Settings.load(environ).tracing.enabled


def test_the_standard_variables_choose_service_endpoint_and_sampling_ratio() -> None:
    config = Settings.load(
        {
            "OTEL_SERVICE_NAME": "users-eu",
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317",
            "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
            "OTEL_TRACES_SAMPLER_ARG": "0.25",
        }
    ).tracing
    assert (config.service_name, config.endpoint) == ("users-eu", "http://collector:4317")
    ratio = sampler(config)
    assert isinstance(ratio, ParentBasedTraceIdRatio)
    # A quarter of the trace id space is sampled: low ids in, the middle out.
    decide = [ratio.should_sample(None, trace_id, "probe").decision for trace_id in (1, 2**63)]
    assert decide == [Decision.RECORD_AND_SAMPLE, Decision.DROP]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("OTEL_TRACES_EXPORTER", "zipkin"),
        ("OTEL_TRACES_SAMPLER", "sometimes"),
        ("OTEL_TRACES_SAMPLER_ARG", "1.5"),
        ("OTEL_TRACES_SAMPLER_ARG", "half"),
    ],
)
def test_a_bad_tracing_variable_is_refused_by_name(variable: str, value: str) -> None:
    environ = {"OTEL_TRACES_SAMPLER": "traceidratio", variable: value}
    with pytest.raises(SettingsError, match=variable):
        Settings.load(environ)


def test_the_server_refuses_to_start_with_a_bad_tracing_variable() -> None:
    env = os.environ | {"OTEL_TRACES_EXPORTER": "zipkin"}
    result = subprocess.run(
        [sys.executable, "-m", "roster_user.cli", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "OTEL_TRACES_EXPORTER" in result.stderr


def test_an_empty_metrics_address_turns_the_endpoint_off() -> None:
    assert Settings.load({"ROSTER_METRICS_ADDRESS": ""}).metrics_address == ""


def test_the_metrics_address_defaults_to_the_local_prometheus_port() -> None:
    assert Settings.load({}).metrics_address == "localhost:9464"


def test_a_metrics_address_without_a_port_is_refused_by_name() -> None:
    with pytest.raises(SettingsError, match="ROSTER_METRICS_ADDRESS"):
        Settings.load({"ROSTER_METRICS_ADDRESS": "localhost"})


def test_tracing_settings_reach_spawned_workers_unchanged() -> None:
    # The supervisor pickles Settings into each worker process (spawn).
    settings = Settings.load(
        {"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.5"}
    )
    assert pickle.loads(pickle.dumps(settings)).tracing == settings.tracing  # noqa: S301 (our own bytes)
