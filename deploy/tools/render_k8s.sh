#!/usr/bin/env bash
# Renders the Helm chart into plain manifests for `kubectl apply -k`, one folder per mode:
#   render_k8s.sh HELM OUTDIR   ->  OUTDIR/sqlite/roster.yaml, OUTDIR/production/roster.yaml
# The release is named `roster` and no namespace is written, so `kubectl -n NS` chooses it.
set -euo pipefail
helm="$1"
out="$2"
chart="deploy/helm/roster"
render() {
  local mode="$1"
  shift
  mkdir -p "$out/$mode"
  {
    echo "# Rendered by \`make k8s\` from $chart ($mode mode); do not edit, edit the chart."
    "$helm" template roster "$chart" --kube-version 1.27.0 "$@"
  } >"$out/$mode/roster.yaml"
  cat >"$out/$mode/kustomization.yaml" <<KUSTOMIZATION
# kubectl apply -k deploy/k8s/$mode -n NAMESPACE
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - roster.yaml
KUSTOMIZATION
}
render sqlite
render production -f "$chart/values-production.yaml" -f "$chart/ci/production-site-values.yaml"
