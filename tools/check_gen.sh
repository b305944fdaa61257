#!/usr/bin/env bash
# Fails when gen/ differs from what `make gen` produces (generated code edited
# by hand, or a contract change committed without regenerating).
set -euo pipefail
snapshot="$(mktemp -d)"
trap 'rm -rf "$snapshot"' EXIT
cp -a gen "$snapshot/gen"
make --no-print-directory "$@" >/dev/null
if ! diff -r -x __pycache__ -x node_modules "$snapshot/gen" gen; then
  echo "gen/ is out of date with proto/: run 'make gen' and commit the result" >&2
  exit 1
fi
