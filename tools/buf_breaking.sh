#!/usr/bin/env bash
# buf breaking (FILE rules, from buf.yaml) against two baselines:
# 1. every frozen release image compat/<package>/<version>/contract.binpb whose contract
#    package still lives in proto/ (a release promises compatibility within its major;
#    an image is never regenerated, so a new commit cannot move this baseline);
# 2. the contract as it was before the latest change to proto/: uncommitted edits are
#    checked against HEAD, a clean tree against the parent of the last commit that
#    touched proto/.
# Runs offline from a fresh clone.
set -euo pipefail
buf="$1"

for image in compat/*/*/contract.binpb; do
  [ -e "$image" ] || continue
  package="$(basename "$(dirname "$(dirname "$image")")")"
  [ -d "proto/${package//.//}" ] || continue
  "$buf" breaking proto --against "$image"
  echo "buf breaking: compatible with the frozen $package $(basename "$(dirname "$image")")"
done

if [ -n "$(git status --porcelain -- proto)" ]; then
  base="HEAD"
else
  last="$(git log -1 --format=%H -- proto 2>/dev/null || true)"
  base="${last:+$last^}"
fi
if [ -z "$base" ] || ! git cat-file -e "$base:proto" 2>/dev/null; then
  echo "buf breaking: no earlier contract in history; nothing to compare"
  exit 0
fi
against="$(mktemp -d)"
trap 'rm -rf "$against"' EXIT
git archive "$base" proto buf.yaml | tar -x -C "$against"
mkdir -p "$against/build" && cp -a build/protos "$against/build/protos"
"$buf" breaking --against "$against"
echo "buf breaking: compatible with $(git rev-parse --short "$base")"
