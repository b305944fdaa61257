"""Where a Roster worker spends its CPU under GetUser load: py-spy samples, top frames."""

from __future__ import annotations

import argparse
import collections
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench import load, plan
from bench.procs import Server

_LINE = re.compile(r":\d+\)")


def _frame(text: str) -> str:
    # "fn (path/to/file.py:123)" -> "fn (file.py)": aggregate over lines.
    name, _, where = _LINE.sub(")", text).partition(" (")
    return f"{name} ({Path(where.rstrip(')')).name})" if where else name


def top(raw: Path, count: int = 15) -> list[dict[str, Any]]:
    """The frames with the most samples on top of the stack (self) and anywhere (total)."""
    own: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    samples = 0
    for line in raw.read_text().splitlines():
        stack, _, weight = line.rpartition(" ")
        if not stack or not weight.isdigit():
            continue
        frames = [_frame(f) for f in stack.split(";")]
        samples += int(weight)
        own[frames[-1]] += int(weight)
        for frame in set(frames):
            total[frame] += int(weight)
    rows = [
        {"frame": f, "self_pct": 100 * n / samples, "total_pct": 100 * total[f] / samples}
        for f, n in own.most_common(count)
    ]
    rows += [
        {"frame": f, "self_pct": 100 * own[f] / samples, "total_pct": 100 * n / samples}
        for f, n in total.most_common(count)
        if f not in {r["frame"] for r in rows}
    ]
    return rows


def top_costs(
    args: argparse.Namespace, scale: plan.Scale, server: Server, out: Path
) -> list[dict[str, Any]]:
    """Profile `server` with py-spy during a GetUser run: samples of the thread holding the GIL.

    The GIL is the resource a Python server runs out of; time inside gRPC's Cython
    core shows up as the Python frame that called into it (mostly Handle._run).
    """
    raw = out / "profile.txt"
    spy = Path(sys.executable).parent / "py-spy"
    seconds = max(int(scale.shape.duration_s), 2)
    recorder = subprocess.Popen(
        [
            *(str(spy), "record", "--pid", str(server.process.pid), "--duration", str(seconds)),
            *("--rate", "200", "--gil", "--format", "raw", "--output", str(raw)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    load.run(args.ghz, args.protoset, server, [plan.scaled(plan.GET, scale)], scale.shape)
    _, err = recorder.communicate(timeout=120)
    if recorder.returncode != 0 or not raw.exists():
        print(f"py-spy failed: {err[-1000:]}", flush=True)
        return []
    return top(raw)
