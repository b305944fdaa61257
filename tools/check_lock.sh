#!/usr/bin/env bash
# Fails when requirements/*.txt no longer match pyproject.toml (or are damaged, e.g.
# by merge conflict markers): each lock is recompiled, keeping its own pins, and diffed.
set -euo pipefail
uv="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
check() {
  local lock="$1"; shift
  cp "$lock" "$work/lock.txt"
  "$uv" pip compile --quiet --generate-hashes "$@" pyproject.toml -o "$work/lock.txt"
  if ! diff <(grep -v '^#' "$lock") <(grep -v '^#' "$work/lock.txt"); then
    echo "$lock does not match pyproject.toml: run 'make lock' and commit the result" >&2
    exit 1
  fi
}
check requirements/lock.txt --extra dev
check requirements/runtime.txt
