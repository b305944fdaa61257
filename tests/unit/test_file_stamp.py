"""FileStamp tells reloading readers (TLS files, the JWKS file) that a file changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from roster_user.security.file_stamp import FileStamp


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_untouched_files_keep_their_stamp(tmp_path: Path) -> None:
    cert, key = write(tmp_path / "cert", "c"), write(tmp_path / "key", "k")
    assert FileStamp.of(cert, key) == FileStamp.of(cert, key)


def test_rewriting_any_one_of_the_files_changes_the_stamp(tmp_path: Path) -> None:
    cert, key = write(tmp_path / "cert", "c"), write(tmp_path / "key", "k")
    before = FileStamp.of(cert, key)
    write(key, "a longer key")
    assert FileStamp.of(cert, key) != before


def test_renaming_a_new_file_into_place_changes_the_stamp(tmp_path: Path) -> None:
    keys = write(tmp_path / "jwks.json", "one")
    before = FileStamp.of(keys)
    # Held open so that its inode cannot be reused by the replacement.
    with keys.open():
        os.replace(write(tmp_path / "next.json", "two"), keys)
        assert FileStamp.of(keys) != before


def test_a_missing_file_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        FileStamp.of(tmp_path / "absent")
