#!/usr/bin/env bash
# Fails when deploy/k8s/ or the chart's copy of the monitoring rules is stale:
#   check_k8s.sh HELM
set -euo pipefail
helm="$1"
rules_source="deploy/monitoring/rules/roster-slo.rules.yaml"
rules_copy="deploy/helm/roster/files/roster-slo.rules.yaml"
if ! diff -u "$rules_source" "$rules_copy"; then
  echo "$rules_copy differs from $rules_source: run 'make k8s' and commit the result" >&2
  exit 1
fi
fresh="$(mktemp -d)"
trap 'rm -rf "$fresh"' EXIT
deploy/tools/render_k8s.sh "$helm" "$fresh"
if ! diff -ru "$fresh" deploy/k8s; then
  echo "deploy/k8s/ is out of date with deploy/helm/roster: run 'make k8s' and commit the result" >&2
  exit 1
fi
