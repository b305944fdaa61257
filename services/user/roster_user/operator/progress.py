"""A progress bar on stderr: redrawn in place on a terminal, one line per step elsewhere."""

from __future__ import annotations

import sys
from typing import TextIO

WIDTH = 30


class Progress:
    """How far an import is, in rows."""

    def __init__(self, total: int, out: TextIO = sys.stderr) -> None:
        self.total = total
        self._out = out
        self._live = out.isatty()

    def show(self, done: int, counts: str) -> None:
        """Draw the bar at `done` of `total` rows, with the counts so far."""
        filled = WIDTH * done // self.total if self.total else WIDTH
        bar = f"[{'#' * filled}{'.' * (WIDTH - filled)}] {done}/{self.total}  {counts}"
        self._out.write(f"\r{bar}" if self._live else f"{bar}\n")
        self._out.flush()

    def finish(self) -> None:
        """End the bar's line on a terminal."""
        if self._live:
            self._out.write("\n")
