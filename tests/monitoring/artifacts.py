"""The monitoring files under test, loaded once, and promtool run on them."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
MONITORING = ROOT / "deploy" / "monitoring"
RULES_FILE = MONITORING / "rules" / "roster-slo.rules.yaml"
RULE_TESTS = sorted((MONITORING / "tests").glob("*.yaml"))
DASHBOARD_FILE = MONITORING / "dashboards" / "roster.json"
RUNBOOKS_FILE = ROOT / "docs" / "runbooks.md"
# Installed by `make setup` (mk/monitoring.mk) from Debian's prometheus package.
PROMTOOL = ROOT / ".tools" / "bin" / "promtool"


@dataclass(frozen=True)
class Rule:
    """One recording or alerting rule of the rules file."""

    group: str
    record: str | None
    alert: str | None
    expr: str
    labels: dict[str, str]
    annotations: dict[str, str]


def load_rules(path: Path = RULES_FILE) -> list[Rule]:
    """Every rule of a Prometheus rules file, in file order."""
    document: dict[str, Any] = yaml.safe_load(path.read_text())
    return [
        Rule(
            group=group["name"],
            record=rule.get("record"),
            alert=rule.get("alert"),
            expr=rule["expr"],
            labels=dict(rule.get("labels", {})),
            annotations=dict(rule.get("annotations", {})),
        )
        for group in document["groups"]
        for rule in group["rules"]
    ]


def recorded_names(rules: list[Rule]) -> frozenset[str]:
    """The series names the recording rules create."""
    return frozenset(rule.record for rule in rules if rule.record is not None)


def load_dashboard() -> dict[str, Any]:
    """The Grafana dashboard as JSON."""
    dashboard: dict[str, Any] = json.loads(DASHBOARD_FILE.read_text())
    return dashboard


def all_panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    """Every panel, including those nested in collapsed rows."""
    panels: list[dict[str, Any]] = []
    for panel in dashboard["panels"]:
        panels.append(panel)
        panels.extend(panel.get("panels", []))
    return panels


def panel_queries(dashboard: dict[str, Any]) -> list[tuple[str, str]]:
    """(panel title, PromQL) for every query target of every panel."""
    return [
        (panel["title"], target["expr"])
        for panel in all_panels(dashboard)
        for target in panel.get("targets", [])
    ]


def variable_queries(dashboard: dict[str, Any]) -> list[tuple[str, str]]:
    """(variable name, query) for every query variable of the dashboard."""
    queries = []
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            query = variable["query"]
            queries.append((variable["name"], query["query"] if isinstance(query, dict) else query))
    return queries


def as_plain_promql(grafana_expr: str) -> str:
    """A Grafana query with its variables replaced by values Prometheus would accept."""
    # Interval variables ($__rate_interval, $__interval, ...) stand for durations; the others
    # ($job) are used inside regex matchers.
    expr = re.sub(r"\$__\w+", "5m", grafana_expr)
    return re.sub(r"\$\{?\w+\}?", ".+", expr)


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    """Run promtool from the repository root, capturing its output."""
    assert PROMTOOL.exists(), f"{PROMTOOL} is missing: run `make setup`"
    return subprocess.run(
        [str(PROMTOOL), *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def output_of(result: subprocess.CompletedProcess[str]) -> str:
    """A command's exit code and output, for assertion messages."""
    return f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
