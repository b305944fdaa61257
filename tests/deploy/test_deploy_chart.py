"""helm lint and helm template over both values files and a matrix of values."""

from __future__ import annotations

import pytest

from tests.deploy.deploy_chart import (
    CASES,
    CHART,
    KUBERNETES_VERSIONS,
    PRODUCTION,
    Case,
    helm,
    of_kind,
    one,
    render,
    render_text,
)


@pytest.mark.parametrize("values_files", [(), PRODUCTION], ids=["sqlite", "production"])
def test_helm_lint_passes_strictly_for_each_shipped_values_file(
    values_files: tuple[str, ...],
) -> None:
    """helm lint --strict treats warnings as errors."""
    args = [arg for name in values_files for arg in ("-f", str(CHART / name))]
    done = helm("lint", "--strict", str(CHART), *args)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("kube_version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_chart_renders_every_case_for_every_supported_kubernetes(
    case: Case, kube_version: str
) -> None:
    """Every matrix case renders a Deployment, a Service and a ServiceAccount reference."""
    objects = render(case, kube_version)
    one(objects, "Deployment")
    one(objects, "Service")


def test_chart_refuses_kubernetes_older_than_the_oldest_supported() -> None:
    """Chart.yaml's kubeVersion stops installs on clusters without GA gRPC probes."""
    done = render_text(kube_version="1.26.0")
    assert done.returncode != 0
    assert "kubeVersion" in done.stderr


def test_sqlite_mode_runs_one_replica_with_recreate_on_a_claim() -> None:
    """Two pods must never open the same SQLite file, even during an upgrade."""
    objects = render(CASES[0])
    deployment = one(objects, "Deployment")
    assert deployment["spec"]["replicas"] == 1
    assert deployment["spec"]["strategy"] == {"type": "Recreate"}
    claim = one(objects, "PersistentVolumeClaim")
    volumes = deployment["spec"]["template"]["spec"]["volumes"]
    claims = [
        v["persistentVolumeClaim"]["claimName"] for v in volumes if "persistentVolumeClaim" in v
    ]
    assert claims == [claim["metadata"]["name"]]
    assert claim["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    for kind in ("HorizontalPodAutoscaler", "PodDisruptionBudget"):
        assert of_kind(objects, kind) == []


def test_production_mode_runs_three_or_more_replicas_with_budget_autoscaler_and_policy() -> None:
    """The production values turn on everything a multi-replica service needs."""
    objects = render(Case("production", PRODUCTION))
    deployment = one(objects, "Deployment")
    # The autoscaler owns the replica count; a fixed one would fight it on every upgrade.
    assert "replicas" not in deployment["spec"]
    assert deployment["spec"]["strategy"]["rollingUpdate"] == {"maxSurge": 1, "maxUnavailable": 0}
    autoscaler = one(objects, "HorizontalPodAutoscaler")
    assert autoscaler["spec"]["minReplicas"] >= 3
    assert autoscaler["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    assert one(objects, "PodDisruptionBudget")["spec"]["maxUnavailable"] == 1
    one(objects, "NetworkPolicy")
    one(objects, "ServiceMonitor")
    one(objects, "PrometheusRule")
    assert of_kind(objects, "PersistentVolumeClaim") == []


def test_production_without_autoscaler_keeps_three_replicas() -> None:
    """With the autoscaler off the Deployment itself asks for three replicas."""
    objects = render(Case("fixed", PRODUCTION, {"autoscaling.enabled": "false"}))
    assert one(objects, "Deployment")["spec"]["replicas"] == 3


OVERFLOWING_SHUTDOWNS = {
    "drain-too-long": {"shutdown.drainSeconds": "20"},
    "grace-too-long": {"shutdown.graceSeconds": "30"},
    "prestop-too-long": {"shutdown.preStopSleepSeconds": "11"},
    "termination-too-short": {"shutdown.terminationGracePeriodSeconds": "24"},
}


@pytest.mark.parametrize("sets", OVERFLOWING_SHUTDOWNS.values(), ids=OVERFLOWING_SHUTDOWNS.keys())
def test_chart_fails_to_render_when_the_shutdown_does_not_fit_the_grace_period(
    sets: dict[str, str],
) -> None:
    """preStop + drain + grace + margin above terminationGracePeriodSeconds is refused."""
    done = render_text(Case("overflow", sets=sets).args())
    assert done.returncode != 0
    assert "exceeds terminationGracePeriodSeconds" in done.stderr


def test_chart_renders_a_shutdown_that_fills_the_grace_period_exactly() -> None:
    """5 + 5 + 10 + 5 = 25 seconds fits a 25-second grace period: the bound is inclusive."""
    sets = {"shutdown.terminationGracePeriodSeconds": "25"}
    objects = render(Case("exact", sets=sets))
    spec = one(objects, "Deployment")["spec"]["template"]["spec"]
    assert spec["terminationGracePeriodSeconds"] == 25


REFUSED = {
    "latest-tag": (Case("t", sets={"image.tag": "latest"}), "latest"),
    "sqlite-two-replicas": (Case("t", sets={"replicaCount": "2"}), "replicaCount must be 1"),
    "sqlite-autoscaled": (
        Case("t", sets={"autoscaling.enabled": "true"}),
        "autoscaling cannot be enabled",
    ),
    "sqlite-budget": (Case("t", sets={"podDisruptionBudget.enabled": "true"}), "Budget"),
    "postgresql-without-secret": (
        Case("t", PRODUCTION, {"database.postgresql.existingSecret": ""}),
        "existingSecret",
    ),
    "auth-two-jwks-sources": (
        Case("t", PRODUCTION, {"auth.jwks.secretName": "also"}),
        "exactly one",
    ),
    "auth-no-jwks": (Case("t", PRODUCTION, {"auth.jwks.configMapName": ""}), "exactly one"),
    "auth-no-audience": (Case("t", PRODUCTION, {"auth.audience": ""}), "audience"),
    "production-values-alone": (Case("t", ("values-production.yaml",)), "existingSecret"),
    "production-without-issuer": (
        Case("t", ("values-production.yaml",), {"database.postgresql.existingSecret": "db"}),
        "auth.issuer and auth.audience are required",
    ),
    "placeholder-issuer": (
        Case("t", PRODUCTION, {"auth.issuer": "https://YOUR-ISSUER/"}),
        "is a placeholder",
    ),
    "autoscaler-of-one": (Case("t", PRODUCTION, {"autoscaling.minReplicas": "1"}), "minReplicas"),
    "fractional-seconds": (
        Case("t", json_sets={"shutdown.drainSeconds": "2.5"}),
        "/shutdown/drainSeconds",
    ),
    "text-seconds": (Case("t", sets={"shutdown.graceSeconds": "ten"}), "/shutdown/graceSeconds"),
    "negative-seconds": (
        Case("t", json_sets={"shutdown.preStopSleepSeconds": "-1"}),
        "/shutdown/preStopSleepSeconds",
    ),
    "unknown-database": (Case("t", sets={"database.mode": "mysql"}), "/database/mode"),
    "misspelt-key": (Case("t", sets={"shutdown.drainSecond": "3"}), "drainSecond"),
    "misspelt-top-level-key": (Case("t", sets={"replicas": "3"}), "replicas"),
}


@pytest.mark.parametrize(("case", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_chart_refuses_unsafe_values_with_a_message_naming_them(case: Case, message: str) -> None:
    """Configurations that would lose data or break shutdown fail at render time."""
    done = render_text(case.args())
    assert done.returncode != 0, "rendered although it should not"
    assert message in done.stderr, done.stderr
