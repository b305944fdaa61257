"""The Grafana dashboard imports cleanly and its queries are valid PromQL over known series."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import yaml

from .artifacts import (
    all_panels,
    as_plain_promql,
    load_dashboard,
    load_rules,
    output_of,
    panel_queries,
    promtool,
    recorded_names,
)
from .promql import metric_names

DASHBOARD = load_dashboard()
PANELS = all_panels(DASHBOARD)
GRID_COLUMNS = 24


def test_the_dashboard_uses_a_recent_schema_and_a_stable_uid() -> None:
    """Grafana 10 and later import it without migrating, and re-imports replace it."""
    assert DASHBOARD["schemaVersion"] >= 38
    assert re.fullmatch(r"[a-z0-9-]{1,40}", DASHBOARD["uid"]), DASHBOARD["uid"]
    assert DASHBOARD["id"] is None, "an exported id would clash with the importing instance"


def test_every_panel_has_a_unique_id() -> None:
    """Duplicate panel ids make Grafana drop or merge panels on import."""
    ids = [panel["id"] for panel in PANELS]
    assert all(isinstance(panel_id, int) for panel_id in ids), ids
    assert len(ids) == len(set(ids)), sorted(ids)


def test_every_panel_has_a_place_on_the_grid_and_none_overlap() -> None:
    """gridPos is present, fits the 24 columns, and no two panels cover the same cell."""
    taken: dict[tuple[int, int], str] = {}
    for panel in PANELS:
        grid = panel["gridPos"]
        x, y, w, h = grid["x"], grid["y"], grid["w"], grid["h"]
        assert w > 0, panel["title"]
        assert h > 0, panel["title"]
        assert x >= 0, panel["title"]
        assert x + w <= GRID_COLUMNS, panel["title"]
        for cell in ((column, row) for column in range(x, x + w) for row in range(y, y + h)):
            assert cell not in taken, f"{panel['title']!r} overlaps {taken[cell]!r}"
            taken[cell] = panel["title"]


def test_the_data_source_is_a_template_variable_used_by_every_query() -> None:
    """Importers pick their Prometheus; no panel or query names a data source of ours."""
    variables = {variable["name"]: variable for variable in DASHBOARD["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    templated = {"type": "prometheus", "uid": "${datasource}"}
    for panel in PANELS:
        if panel["type"] == "row":
            continue
        assert panel["datasource"] == templated, panel["title"]
        for target in panel["targets"]:
            assert target["datasource"] == templated, panel["title"]
    for variable in variables.values():
        if variable["type"] == "query":
            assert variable["datasource"] == templated, variable["name"]


def test_every_query_panel_has_queries_with_distinct_ref_ids() -> None:
    """Grafana keys query results by refId; an empty panel is a mistake."""
    for panel in PANELS:
        if panel["type"] == "row":
            continue
        ref_ids = [target["refId"] for target in panel["targets"]]
        assert ref_ids, panel["title"]
        assert len(ref_ids) == len(set(ref_ids)), panel["title"]
        assert all(target["expr"].strip() for target in panel["targets"]), panel["title"]


def test_every_query_is_valid_promql(tmp_path: Path) -> None:
    """promtool parses each query (variables replaced by plain values) as a recording rule."""
    rules = [
        {"record": f"dashboard:query_{index}:check", "expr": as_plain_promql(expr)}
        for index, (_, expr) in enumerate(panel_queries(DASHBOARD))
    ]
    rules_file = tmp_path / "dashboard-queries.rules.yaml"
    rules_file.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    result = promtool("check", "rules", str(rules_file))
    assert result.returncode == 0, output_of(result)


def test_every_recording_rule_the_dashboard_reads_is_defined() -> None:
    """Names with a colon are recording rules and must come from the rules file."""
    recorded = recorded_names(load_rules())
    read = {name for _, expr in panel_queries(DASHBOARD) for name in metric_names(expr)}
    missing = {name for name in read if ":" in name} - recorded
    assert not missing, f"dashboard reads undefined recording rules: {sorted(missing)}"


def test_the_burn_rate_panels_show_every_window_of_both_objectives() -> None:
    """Each recorded SLO window appears on the dashboard for its objective."""
    shown = {
        (name, slo)
        for _, expr in panel_queries(DASHBOARD)
        for name in metric_names(expr)
        for slo in re.findall(r'slo="(\w+)"', expr)
    }
    recorded = {
        (str(rule.record), rule.labels["slo"]) for rule in load_rules() if "slo" in rule.labels
    }
    assert recorded <= shown, f"not on the dashboard: {sorted(recorded - shown)}"


def test_the_error_ratio_panel_counts_the_same_codes_as_the_availability_objective() -> None:
    """The dashboard's server-side error codes are exactly those of the rules."""
    rule_codes = _code_sets(rule.expr for rule in load_rules())
    dashboard_codes = _code_sets(expr for _, expr in panel_queries(DASHBOARD))
    assert dashboard_codes, "no panel shows server-side errors"
    assert dashboard_codes == rule_codes


def _code_sets(exprs: Iterable[str]) -> set[frozenset[str]]:
    """The sets of codes listed by grpc_code=~ matchers in some expressions."""
    return {
        frozenset(codes.split("|"))
        for expr in exprs
        for codes in re.findall(r'grpc_code=~"([^"]+)"', expr)
    }
