"""Which metric names a PromQL expression or a Grafana variable query reads."""

from __future__ import annotations

import re

# Removed before looking for names, so nothing inside them is mistaken for a metric:
# string literals (label values, regexes, Grafana variables), label matchers and ranges.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_MATCHERS = re.compile(r"\{[^}]*\}")
_RANGE = re.compile(r"\[[^\]]*\]")
# by (...), without (...), on (...), ignoring (...), group_left (...): lists of label names.
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
# A name not glued to a number, a `$` variable or a dotted word; a "(" after it makes it a call.
_NAME = re.compile(r"(?<![\w:$.])([A-Za-z_:][\w:]*)(\s*\()?")
_KEYWORDS = frozenset(
    {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right"}
    | {"offset", "bool", "inf", "nan"}
)
_LABEL_VALUES = re.compile(r"^\s*label_values\s*\((?P<selector>.*),\s*\w+\s*\)\s*$", re.DOTALL)


def metric_names(expr: str) -> frozenset[str]:
    """The metric (and recording rule) names a PromQL expression selects."""
    text = _STRING.sub('""', expr)
    text = _MATCHERS.sub("{}", text)
    text = _RANGE.sub("[]", text)
    text = _GROUPING.sub(" ", text)
    names = set()
    for match in _NAME.finditer(text):
        name, call = match.group(1), match.group(2)
        if call is None and name.lower() not in _KEYWORDS:
            names.add(name)
    return frozenset(names)


def variable_query_metric_names(query: str) -> frozenset[str]:
    """The metric names a Grafana Prometheus variable query reads (label_values or PromQL)."""
    match = _LABEL_VALUES.match(query)
    if match is not None:
        return metric_names(match.group("selector"))
    return metric_names(query)
