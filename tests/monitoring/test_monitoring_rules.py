"""The SLO rules: promtool accepts them, their unit tests pass, every alert is actionable."""

from __future__ import annotations

import re
from pathlib import Path

import grpc
import pytest

from .artifacts import (
    RULE_TESTS,
    RULES_FILE,
    RUNBOOKS_FILE,
    Rule,
    load_rules,
    output_of,
    promtool,
)

RULES = load_rules()
ALERTS = [rule for rule in RULES if rule.alert is not None]
WINDOWS = ("5m", "30m", "1h", "2h", "6h", "1d", "3d")
OBJECTIVES = ("availability", "latency")


def test_promtool_accepts_the_rules_file() -> None:
    """`promtool check rules` finds no syntax, template or duplicate-rule problem."""
    result = promtool("check", "rules", "--lint=all", "--lint-fatal", str(RULES_FILE))
    assert result.returncode == 0, output_of(result)


@pytest.mark.parametrize("test_file", RULE_TESTS, ids=lambda path: Path(path).name)
def test_the_promtool_unit_tests_pass(test_file: Path) -> None:
    """Each alert fires on the synthetic series that burn the budget and stays silent otherwise."""
    result = promtool("test", "rules", str(test_file))
    assert result.returncode == 0, output_of(result)
    assert "SUCCESS" in result.stdout, output_of(result)


def test_there_are_promtool_tests_for_both_objectives() -> None:
    """Every alert is exercised by at least one promtool test file."""
    tested = "\n".join(path.read_text() for path in RULE_TESTS)
    untested = [rule.alert for rule in ALERTS if f"alertname: {rule.alert}\n" not in tested]
    assert not untested, f"alerts without promtool tests: {untested}"


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_every_window_of_each_objective_is_recorded(objective: str) -> None:
    """Each burn-rate window has its error ratio recorded for both objectives."""
    recorded = {rule.record for rule in RULES if rule.labels.get("slo") == objective}
    assert recorded == {f"roster:slo_errors:ratio_rate{window}" for window in WINDOWS}


@pytest.mark.parametrize("alert", ALERTS, ids=lambda rule: str(rule.alert))
def test_every_alert_says_how_urgent_it_is_and_what_to_do(alert: Rule) -> None:
    """A severity of page or ticket, a summary, a description and a runbook link."""
    assert alert.labels.get("severity") in {"page", "ticket"}, alert.labels
    assert alert.annotations.get("summary"), alert.annotations
    assert alert.annotations.get("description"), alert.annotations
    assert alert.annotations.get("runbook_url", "").startswith("docs/runbooks.md#")


@pytest.mark.parametrize("alert", ALERTS, ids=lambda rule: str(rule.alert))
def test_every_runbook_link_leads_to_a_section_of_the_runbooks(alert: Rule) -> None:
    """The runbook_url anchor matches a heading of docs/runbooks.md (GitHub's anchor rule)."""
    anchors = {
        re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        for heading in re.findall(r"^#+ (.+)$", RUNBOOKS_FILE.read_text(), re.MULTILINE)
    }
    anchor = alert.annotations["runbook_url"].split("#", 1)[1]
    assert anchor in anchors, f"#{anchor} not among {sorted(anchors)}"


def test_the_error_codes_are_grpc_status_code_names_and_the_same_everywhere() -> None:
    """Every grpc_code matcher lists real status code names, and all rules list the same ones."""
    code_sets = {
        frozenset(codes.split("|"))
        for rule in RULES
        for codes in re.findall(r'grpc_code=~"([^"]+)"', rule.expr)
    }
    assert len(code_sets) == 1, f"rules disagree on the error codes: {code_sets}"
    (codes,) = code_sets
    assert codes <= set(grpc.StatusCode.__members__), codes - set(grpc.StatusCode.__members__)
    assert "OK" not in codes
