"""The name extraction the dashboard and rules checks rely on: from PromQL and from a scrape."""

from __future__ import annotations

import pytest

from .promql import metric_names, variable_query_metric_names
from .scrape import parse_exposition


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (
            'sum by (grpc_method) (rate(grpc_server_handled_total{job=~"$job"}[$__rate_interval]))',
            {"grpc_server_handled_total"},
        ),
        (
            "histogram_quantile(0.99, sum by (le, operation) (rate(store_seconds_bucket[5m])))",
            {"store_seconds_bucket"},
        ),
        ("sum(roster_watch_streams_open)", {"roster_watch_streams_open"}),
        (
            'roster:slo_errors:ratio_rate1h{slo="latency"} / 0.01',
            {"roster:slo_errors:ratio_rate1h"},
        ),
        ("a_total and on (job) group_left (instance) b offset 5m", {"a_total", "b"}),
        ('count(up{job="sum(rate(decoy_total[5m]))"}) or vector(0)', {"up"}),
        ("1e3 * sum(x) without (instance) > bool 2", {"x"}),
        ("time() - process_start_time_seconds", {"process_start_time_seconds"}),
    ],
)
def test_metric_names_finds_exactly_the_selected_metrics(expr: str, expected: set[str]) -> None:
    """Functions, keywords, label names, strings, numbers and durations are not metric names."""
    assert metric_names(expr) == expected


def test_a_label_values_variable_reads_the_metric_of_its_selector() -> None:
    """label_values(selector, label) reads the selector's metric, not the label."""
    query = 'label_values(grpc_server_handled_total{grpc_service=~"roster[.].+"}, job)'
    assert variable_query_metric_names(query) == {"grpc_server_handled_total"}


def test_a_scrape_names_the_series_each_declared_metric_type_exposes() -> None:
    """Counters expose _total, histograms _bucket/_sum/_count, gauges their name, even unsampled."""
    page = "# TYPE rpcs_total counter\n# TYPE wait_seconds histogram\n# TYPE open gauge\nopen 3\n"
    names = parse_exposition(page).series_names
    assert {"rpcs_total", "wait_seconds_bucket", "wait_seconds_sum", "wait_seconds_count"} <= names
    assert "open" in names
    assert not {"rpcs", "wait_seconds", "open_total"} & names
