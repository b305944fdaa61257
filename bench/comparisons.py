"""Rows of one run set against each other: every layer's price, and grpcio and the event loop.

Each comparison is two GetUser rows from the same run, both of servers that serve
only GetUser and are parked between their runs (the baseline is `roster-1w full`,
not `roster-1w`, whose database grows with the write workloads): the difference is
the one thing switched.
"""

from __future__ import annotations

from typing import Any

Summary = dict[str, Any]
GET = "GetUser"

# (what is priced, the row with it, the row without it): price = CPU with - CPU without.
LAYER_PRICES = (
    ("every layer (the whole pipeline)", "roster-1w full", "roster-1w no-layers"),
    ("metadata limit", "roster-1w full", "roster-1w no-metadata-limit"),
    ("spans: 1% sampled and exported", "roster-1w full", "roster-1w spans unsampled"),
    (
        "spans: unsampled (span layer, store spans)",
        "roster-1w spans unsampled",
        "roster-1w tracing off",
    ),
    ("metrics (RPC counters and histogram)", "roster-1w full", "roster-1w no-metrics"),
    ("admission", "roster-1w full", "roster-1w no-admission"),
    ("auth on: a JWT (ES256) verified per call", "roster-1w auth on", "roster-1w full"),
    ("error boundary", "roster-1w full", "roster-1w no-boundary"),
    ("limits", "roster-1w full", "roster-1w no-limits"),
    ("store read and conversion (no layers)", "roster-1w no-layers", "roster-1w canned"),
    ("a canned answer over the echo (no layers)", "roster-1w canned", "baseline-echo"),
)


def row(summary: Summary, workload: str, server: str) -> dict[str, float] | None:
    """The row of `workload` on `server`, if it ran."""
    return next(
        (r for r in summary["rows"] if r["workload"] == workload and r["server"] == server), None
    )


def layer_prices(summary: Summary) -> list[dict[str, Any]]:
    """Per priced layer: both rows' CPU per call, the difference, and the throughput ratio."""
    prices = []
    for what, with_it, without in LAYER_PRICES:
        a, b = row(summary, GET, with_it), row(summary, GET, without)
        if a is None or b is None:
            continue
        prices.append(
            {
                "layer": what,
                "with": with_it,
                "without": without,
                "cpu_us_with": a["cpu_us"],
                "cpu_us_without": b["cpu_us"],
                "price_us": a["cpu_us"] - b["cpu_us"],
                "rps_without_over_with": b["rps"] / a["rps"] if a["rps"] else 0.0,
            }
        )
    return prices


def choices(summary: Summary, grpcio: str | None) -> list[dict[str, Any]]:
    """The baseline and the alternative rows for grpcio (echo and roster-1w) and uvloop."""
    pairs = [("event loop: uvloop / asyncio", "roster-1w full", "roster-1w uvloop")]
    if grpcio:
        pairs += [
            (f"grpcio {grpcio} / pinned: echo", "baseline-echo", f"baseline-echo grpcio {grpcio}"),
            (f"grpcio {grpcio} / pinned: roster", "roster-1w full", f"roster-1w grpcio {grpcio}"),
        ]
    found = []
    for what, base, alternative in pairs:
        a, b = row(summary, GET, base), row(summary, GET, alternative)
        if a is not None and b is not None:
            found.append({"choice": what, "base": base, "alternative": alternative, "a": a, "b": b})
    return found


def markdown(summary: Summary, grpcio: str | None) -> list[str]:
    """The two tables, as Markdown lines."""
    lines = ["", "## Every layer's price (roster-1w, GetUser, this run)", ""]
    lines += [
        "Each layer switched off in turn (bench/variants.py); its price is the CPU per call "
        "with it minus without it. Differences of a few µs are within the run's noise.",
        "",
        "| Layer | with | without | CPU µs/RPC with / without | price µs/RPC | rps without / with |",
        "|---|---|---|---:|---:|---:|",
    ]
    for p in layer_prices(summary):
        lines.append(
            f"| {p['layer']} | {p['with']} | {p['without']} "
            f"| {p['cpu_us_with']:.0f} / {p['cpu_us_without']:.0f} | {p['price_us']:+.0f} "
            f"| {p['rps_without_over_with']:.2f} |"
        )
    lines += ["", "## grpcio and the event loop (GetUser, this run)", ""]
    lines += [
        "| Choice | baseline | alternative | rps | rps ratio | CPU µs/RPC | CPU ratio |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for c in choices(summary, grpcio):
        a, b = c["a"], c["b"]
        lines.append(
            f"| {c['choice']} | {c['base']} | {c['alternative']} | {a['rps']:.0f} / {b['rps']:.0f} "
            f"| {b['rps'] / a['rps']:.2f} | {a['cpu_us']:.0f} / {b['cpu_us']:.0f} "
            f"| {b['cpu_us'] / a['cpu_us']:.2f} |"
        )
    return lines
