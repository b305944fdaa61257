"""Every rendered object validates strictly against the oldest and newest supported schemas."""

from __future__ import annotations

import copy

import jsonschema  # type: ignore[import-untyped]
import kubernetes_validate  # type: ignore[import-untyped]
import pytest

from tests.deploy.crd_schemas import SCHEMAS
from tests.deploy.deploy_chart import CASES, KUBERNETES_VERSIONS, Case, Obj, one, render


def validate(obj: Obj, kube_version: str) -> None:
    """Validate one object strictly: Kubernetes kinds offline, operator kinds by crd_schemas."""
    if obj["apiVersion"].startswith("monitoring.coreos.com/"):
        jsonschema.validate(obj, SCHEMAS[obj["kind"]])
    else:
        kubernetes_validate.validate(obj, kube_version, strict=True)


@pytest.mark.parametrize("kube_version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_every_rendered_object_validates_strictly(case: Case, kube_version: str) -> None:
    """A schema error names the case, the object and the field."""
    for obj in render(case, kube_version):
        name = f"{obj['kind']}/{obj['metadata']['name']}"
        try:
            validate(obj, kube_version)
        except (jsonschema.ValidationError, kubernetes_validate.ValidationError) as error:
            path = ".".join(str(part) for part in error.path)
            pytest.fail(f"{case.name}: {name} at {path}: {error.message}")


@pytest.mark.parametrize("kube_version", KUBERNETES_VERSIONS)
def test_strict_validation_rejects_a_field_kubernetes_does_not_know(kube_version: str) -> None:
    """The validator is strict: an unknown container field fails (so the check can fail)."""
    deployment = copy.deepcopy(one(render(CASES[0]), "Deployment"))
    deployment["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        validate(deployment, kube_version)


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_operator_schemas_reject_a_field_the_operator_does_not_know(kind: str) -> None:
    """The hand-kept CRD subsets are strict too."""
    monitored = Case("m", sets={"serviceMonitor.enabled": "true", "prometheusRule.enabled": "true"})
    obj = copy.deepcopy(one(render(monitored), kind))
    obj["spec"]["unknownField"] = True
    with pytest.raises(jsonschema.ValidationError):
        validate(obj, KUBERNETES_VERSIONS[0])


def test_validator_knows_the_declared_versions() -> None:
    """kubernetes-validate ships schemas for both declared Kubernetes versions."""
    utils = kubernetes_validate.utils
    shipped = {utils.major_minor(version) for version in utils.all_versions()}
    for version in KUBERNETES_VERSIONS:
        assert utils.major_minor(version) in shipped
