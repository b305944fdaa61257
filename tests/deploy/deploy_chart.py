"""Renders the Roster Helm chart with the pinned helm binary and loads the objects."""

from __future__ import annotations

import functools
import re
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "deploy" / "helm" / "roster"
HELM = REPO / ".tools" / "bin" / "helm"
DOCKERFILE = REPO / "deploy" / "docker" / "Dockerfile"
MONITORING_RULES = REPO / "deploy" / "monitoring" / "rules" / "roster-slo.rules.yaml"
CHART_RULES = CHART / "files" / "roster-slo.rules.yaml"

# The oldest and newest Kubernetes versions Roster supports; Chart.yaml's kubeVersion
# holds the oldest, and every rendered object is validated against both.
OLDEST_KUBERNETES = "1.27.0"
NEWEST_KUBERNETES = "1.37.0"
KUBERNETES_VERSIONS = (OLDEST_KUBERNETES, NEWEST_KUBERNETES)

# The health service names the probes must use (the server's readiness and liveness).
READINESS_SERVICE = "roster.user.v1.UserService"
LIVENESS_SERVICE = "liveness"

Obj = dict[str, Any]


@dataclass(frozen=True)
class Case:
    """One way to install the chart: values files plus --set overrides."""

    name: str
    values_files: tuple[str, ...] = ()
    sets: Mapping[str, str] = field(default_factory=dict)
    # --set-json, for values --set would turn into strings (such as 2.5).
    json_sets: Mapping[str, str] = field(default_factory=dict)

    def args(self) -> list[str]:
        """The helm arguments that select this case's values."""
        out: list[str] = []
        for name in self.values_files:
            out += ["-f", str(CHART / name)]
        for key, value in self.sets.items():
            out += ["--set", f"{key}={value}"]
        for key, value in self.json_sets.items():
            out += ["--set-json", f"{key}={value}"]
        return out


# The production values leave the site-specific settings empty; ci/ supplies them.
PRODUCTION = ("values-production.yaml", "ci/production-site-values.yaml")

# The two shipped modes and the options a platform team is most likely to change.
CASES = (
    Case("sqlite"),
    Case("production", PRODUCTION),
    Case("production-fixed-replicas", PRODUCTION, {"autoscaling.enabled": "false"}),
    Case(
        "production-jwks-secret",
        PRODUCTION,
        {"auth.jwks.configMapName": "", "auth.jwks.secretName": "roster-jwks"},
    ),
    Case(
        "production-client-namespaces",
        PRODUCTION,
        {"networkPolicy.clientNamespaceLabels.team": "payments"},
    ),
    Case("production-required-anti-affinity", PRODUCTION, {"podAntiAffinity": "required"}),
    Case("production-no-tracing", PRODUCTION, {"otel.exporterEndpoint": ""}),
    Case(
        "sqlite-monitored",
        sets={"serviceMonitor.enabled": "true", "prometheusRule.enabled": "true"},
    ),
    Case(
        "sqlite-pinned-digest",
        sets={"image.repository": "platform/roster-user", "image.tag": "sha256:" + "a" * 64},
    ),
    Case(
        "sqlite-options-off",
        sets={
            "migrations.initContainer": "false",
            "server.workersFromCpuLimit": "false",
            "persistence.keepOnUninstall": "false",
            "serviceAccount.create": "false",
            "serviceAccount.name": "platform-roster",
            "podAntiAffinity": "none",
        },
    ),
    Case(
        "sqlite-long-shutdown",
        sets={
            "shutdown.drainSeconds": "15",
            "shutdown.graceSeconds": "30",
            "shutdown.terminationGracePeriodSeconds": "55",
        },
    ),
    Case("renamed", sets={"fullnameOverride": "users"}),
    Case(
        "extra-env",
        PRODUCTION,
        json_sets={"server.extraEnv": '[{"name": "ROSTER_MAX_WATCH_STREAMS", "value": "200"}]'},
    ),
)


def helm(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the pinned helm and return its completed process (never raises on failure)."""
    assert HELM.exists(), f"{HELM} is missing: run `make setup`"
    return subprocess.run([str(HELM), *args], capture_output=True, text=True, check=False, cwd=REPO)


def render_text(
    extra: Sequence[str] = (), kube_version: str = OLDEST_KUBERNETES
) -> subprocess.CompletedProcess[str]:
    """`helm template` the chart as release `roster` with extra arguments."""
    return helm("template", "roster", str(CHART), "--kube-version", kube_version, *extra)


def render(case: Case, kube_version: str = OLDEST_KUBERNETES) -> list[Obj]:
    """Render one case and return fresh objects, failing with helm's stderr if it cannot."""
    return load_objects(_rendered(tuple(case.args()), kube_version))


@functools.cache
def _rendered(args: tuple[str, ...], kube_version: str) -> str:
    # Several test modules render the same cases; helm runs once per distinct input.
    done = render_text(args, kube_version)
    assert done.returncode == 0, f"helm template {' '.join(args)} failed:\n{done.stderr}"
    return done.stdout


def load_objects(text: str) -> list[Obj]:
    """Parse a multi-document YAML stream into its non-empty objects."""
    return [doc for doc in yaml.safe_load_all(text) if doc]


def of_kind(objects: Sequence[Obj], kind: str) -> list[Obj]:
    """The objects of one kind."""
    return [obj for obj in objects if obj["kind"] == kind]


def one(objects: Sequence[Obj], kind: str) -> Obj:
    """The single object of a kind, asserting there is exactly one."""
    found = of_kind(objects, kind)
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


def pod_templates(objects: Sequence[Obj]) -> Iterator[tuple[str, Obj]]:
    """Every pod spec in the objects, with the name of the workload that holds it."""
    for obj in objects:
        if obj["kind"] in {"Deployment", "StatefulSet", "DaemonSet", "Job"}:
            yield obj["metadata"]["name"], obj["spec"]["template"]
        elif obj["kind"] == "CronJob":
            yield obj["metadata"]["name"], obj["spec"]["jobTemplate"]["spec"]["template"]


def containers(pod_spec: Obj) -> list[Obj]:
    """The init and regular containers of a pod spec."""
    return [*pod_spec.get("initContainers", []), *pod_spec["containers"]]


def server_container(objects: Sequence[Obj]) -> Obj:
    """The `roster` container of the Deployment."""
    spec = one(objects, "Deployment")["spec"]["template"]["spec"]
    (found,) = [c for c in spec["containers"] if c["name"] == "roster"]
    return dict(found)


def plain_env(container: Obj) -> dict[str, str]:
    """The container's env entries that have a literal value."""
    return {e["name"]: e["value"] for e in container.get("env", []) if "value" in e}


def chart_values(*files: str) -> Obj:
    """The chart's values.yaml overlaid (shallowly per top-level key) with values files."""
    values: Obj = yaml.safe_load((CHART / "values.yaml").read_text())
    for name in files:
        for key, value in yaml.safe_load((CHART / name).read_text()).items():
            if isinstance(value, dict) and isinstance(values.get(key), dict):
                values[key] = {**values[key], **value}
            else:
                values[key] = value
    return values


def dockerfile_instructions(text: str | None = None) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs of a Dockerfile, continuations joined, comments dropped."""
    source = DOCKERFILE.read_text() if text is None else text
    joined = re.sub(r"\\\n", " ", source)
    lines = [line.strip() for line in joined.splitlines()]
    kept = [line for line in lines if line and not line.startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in kept]


def runtime_stage() -> list[tuple[str, str]]:
    """The instructions of the Dockerfile's last (runtime) stage, from its FROM on."""
    pairs = dockerfile_instructions()
    last_from = max(i for i, (word, _) in enumerate(pairs) if word == "FROM")
    return pairs[last_from:]
