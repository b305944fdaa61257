"""The supervisor's sum of the workers' metric pages: what is added and what is not."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info, generate_latest
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families

from roster_user.pool.worker_metrics import merge


def page(calls: int, latency: float, in_flight: int, started: float, max_fds: int) -> list[Metric]:
    """One worker's page, rendered and parsed as the supervisor reads it."""
    registry = CollectorRegistry()
    handled = Counter("grpc_server_handled", "calls", ("grpc_method",), registry=registry)
    handled.labels("GetUser").inc(calls)
    handling = Histogram(
        "grpc_server_handling_seconds", "latency", buckets=(0.01, 1), registry=registry
    )
    handling.observe(latency)
    Gauge("roster_grpc_server_in_flight", "in flight", registry=registry).set(in_flight)
    Gauge("process_start_time_seconds", "start", registry=registry).set(started)
    Gauge("process_max_fds", "limit", registry=registry).set(max_fds)
    return list(text_string_to_metric_families(generate_latest(registry).decode()))


def samples(families: list[Metric]) -> dict[str, float]:
    """Every sample by name and labels, as 'name{k=v}'."""
    return {
        sample.name + str(sorted(sample.labels.items())): sample.value
        for family in families
        for sample in family.samples
    }


def test_counters_histograms_and_gauges_are_added_across_workers() -> None:
    merged = samples(merge([page(3, 0.005, 2, 100.0, 1024), page(4, 0.5, 1, 50.0, 4096)]))
    assert merged["grpc_server_handled_total[('grpc_method', 'GetUser')]"] == 7
    assert merged["grpc_server_handling_seconds_bucket[('le', '0.01')]"] == 1
    assert merged["grpc_server_handling_seconds_bucket[('le', '1.0')]"] == 2
    assert merged["grpc_server_handling_seconds_count[]"] == 2
    assert merged["grpc_server_handling_seconds_sum[]"] == 0.505
    assert merged["roster_grpc_server_in_flight[]"] == 3


def test_start_and_creation_times_take_the_earliest_and_limits_the_largest() -> None:
    first, second = page(1, 0.1, 0, 100.0, 1024), page(1, 0.1, 0, 50.0, 4096)
    created = [
        sample.value
        for family in first + second
        for sample in family.samples
        if sample.name == "grpc_server_handled_created"
    ]
    merged = samples(merge([first, second]))
    assert merged["process_start_time_seconds[]"] == 50.0
    assert merged["process_max_fds[]"] == 4096
    assert len(created) == 2
    assert merged["grpc_server_handled_created[('grpc_method', 'GetUser')]"] == min(created)


def test_a_series_only_one_worker_has_is_kept_and_the_result_renders() -> None:
    lone = CollectorRegistry()
    Counter("roster_only_here", "one worker", registry=lone).inc(5)
    pages = [
        page(1, 0.1, 0, 1.0, 1),
        list(text_string_to_metric_families(generate_latest(lone).decode())),
    ]

    class Merged:
        def collect(self) -> list[Metric]:
            return merge(pages)

    registry = CollectorRegistry()
    registry.register(Merged())
    rendered = generate_latest(registry).decode()
    assert "roster_only_here_total 5.0" in rendered
    assert "# TYPE grpc_server_handling_seconds histogram" in rendered


def test_the_build_info_of_the_workers_is_reported_once_not_added() -> None:
    pages = []
    for _ in range(3):
        registry = CollectorRegistry()
        Info("roster_build", "release", registry=registry).info({"version": "1.0.0"})
        pages.append(list(text_string_to_metric_families(generate_latest(registry).decode())))
    (family,) = merge(pages)
    assert [(s.name, s.labels, s.value) for s in family.samples] == [
        ("roster_build_info", {"version": "1.0.0"}, 1.0)
    ]
