"""The dashboard and the rules read only series a real server exports, spelled as it does."""

from __future__ import annotations

import pytest

from .artifacts import load_dashboard, load_rules, panel_queries, recorded_names, variable_queries
from .promql import metric_names, variable_query_metric_names
from .scrape import Scrape, scrape_after_one_call

RULES = load_rules()


@pytest.fixture(scope="module")
def scrape(tmp_path_factory: pytest.TempPathFactory) -> Scrape:
    """One real server, one GetUser call for a missing user, one scrape."""
    return scrape_after_one_call(tmp_path_factory.mktemp("metrics-server"))


def test_every_metric_the_dashboard_queries_is_exported_or_recorded(scrape: Scrape) -> None:
    """Each name in each panel and variable query is a series the server exposes or a rule records."""
    dashboard = load_dashboard()
    read = {
        (where, name) for where, expr in panel_queries(dashboard) for name in metric_names(expr)
    } | {
        (f"variable {where}", name)
        for where, query in variable_queries(dashboard)
        for name in variable_query_metric_names(query)
    }
    known = scrape.series_names | recorded_names(RULES)
    missing = sorted((where, name) for where, name in read if name not in known)
    assert not missing, f"not exported by the server nor recorded: {missing}"


def test_every_metric_the_rules_read_is_exported(scrape: Scrape) -> None:
    """The SLO rules compute only from series the server exposes (or from each other)."""
    read = {name for rule in RULES for name in metric_names(rule.expr)}
    missing = sorted(read - scrape.series_names - recorded_names(RULES))
    assert not missing, f"rules read series the server does not export: {missing}"


def test_status_codes_are_labelled_with_the_names_the_rules_match(scrape: Scrape) -> None:
    """A GetUser for a missing user is counted with grpc_code="NOT_FOUND" (grpc.StatusCode names)."""
    codes = {
        sample.labels.get("grpc_code")
        for sample in scrape.samples
        if sample.name == "grpc_server_handled_total"
        and sample.labels.get("grpc_method") == "GetUser"
        and sample.labels.get("grpc_service") == "roster.user.v1.UserService"
        and sample.labels.get("grpc_type") == "unary"
    }
    assert codes == {"NOT_FOUND"}


def test_the_latency_histogram_has_the_50_ms_bucket_the_latency_objective_counts(
    scrape: Scrape,
) -> None:
    """GetUser's handling-time histogram has a bucket with le="0.05" exactly."""
    buckets = {
        sample.labels.get("le")
        for sample in scrape.samples
        if sample.name == "grpc_server_handling_seconds_bucket"
        and sample.labels.get("grpc_method") == "GetUser"
    }
    assert "0.05" in buckets, sorted(buckets, key=lambda le: float(le or "nan"))
