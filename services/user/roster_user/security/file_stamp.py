"""What tells a reloading reader that files it loaded have changed: one stamp for them all."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path


@dataclasses.dataclass(frozen=True, slots=True)
class FileStamp:
    """A value that differs whenever any of the stamped files changes; compare with ==.

    Callers keep the stamp of what they loaded and reload when a fresh one
    differs. What goes into a stamp is decided only in `of`.
    """

    parts: tuple[tuple[int, int, int], ...]

    @classmethod
    def of(cls, *paths: Path) -> FileStamp:
        """The stamp of `paths` now; OSError when one of them cannot be examined."""
        # Modification time, size and inode: a rotation that renames a new file
        # into place changes the inode even when time and size happen to match.
        stats = [os.stat(path) for path in paths]
        return cls(tuple((st.st_mtime_ns, st.st_size, st.st_ino) for st in stats))
