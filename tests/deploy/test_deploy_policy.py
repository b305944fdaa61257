"""Policy over every rendered object: what a platform team checks before accepting a chart."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import yaml

from tests.deploy.deploy_chart import (
    CASES,
    CHART,
    CHART_RULES,
    LIVENESS_SERVICE,
    MONITORING_RULES,
    PRODUCTION,
    READINESS_SERVICE,
    Case,
    Obj,
    containers,
    of_kind,
    one,
    plain_env,
    pod_templates,
    render,
    runtime_stage,
    server_container,
)

CASE_IDS = [case.name for case in CASES]

RECOMMENDED_LABELS = (
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/version",
    "app.kubernetes.io/component",
    "app.kubernetes.io/part-of",
    "app.kubernetes.io/managed-by",
)

# A URL that carries a password (scheme://user:password@host).
CREDENTIAL_URL = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@")
# Environment variable names whose value must never be written in a manifest.
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|PRIVATE_KEY|DATABASE_URL", re.IGNORECASE)


def objects_of(case: Case) -> list[Obj]:
    """The case rendered for the oldest supported Kubernetes."""
    return render(case)


def pod_containers(objects: list[Obj]) -> Iterator[tuple[Obj, Obj]]:
    """(pod spec, container) for every container of every pod template."""
    for _, template in pod_templates(objects):
        for container in containers(template["spec"]):
            yield template["spec"], container


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_every_pod_and_container_meets_the_restricted_pod_security_standard(case: Case) -> None:
    """runAsNonRoot, no escalation, all capabilities dropped, RuntimeDefault seccomp."""
    for pod, container in pod_containers(objects_of(case)):
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        assert pod.get("hostNetwork", False) is False
        assert pod.get("hostPID", False) is False
        assert pod.get("hostIPC", False) is False
        context = container["securityContext"]
        assert context["runAsNonRoot"] is True, container["name"]
        assert context["runAsUser"] != 0, container["name"]
        assert context["allowPrivilegeEscalation"] is False, container["name"]
        assert context["readOnlyRootFilesystem"] is True, container["name"]
        assert context.get("privileged", False) is False, container["name"]
        assert context["capabilities"] == {"drop": ["ALL"]}, container["name"]
        assert context["seccompProfile"] == {"type": "RuntimeDefault"}, container["name"]
        assert "ports" not in container or all("hostPort" not in p for p in container["ports"])


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_read_only_root_gets_a_writable_tmp_from_an_empty_dir(case: Case) -> None:
    """Every container mounts /tmp from an emptyDir volume."""
    for pod, container in pod_containers(objects_of(case)):
        empty_dirs = {v["name"] for v in pod["volumes"] if "emptyDir" in v}
        tmp = [m for m in container["volumeMounts"] if m["mountPath"] == "/tmp"]
        assert len(tmp) == 1, container["name"]
        assert tmp[0]["name"] in empty_dirs, container["name"]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_every_container_has_resource_requests_and_limits(case: Case) -> None:
    """CPU and memory are both requested and limited."""
    for _, container in pod_containers(objects_of(case)):
        for bound in ("requests", "limits"):
            assert set(container["resources"][bound]) >= {"cpu", "memory"}, container["name"]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_probes_are_native_grpc_checks_of_the_right_health_names(case: Case) -> None:
    """Startup and readiness ask for the service's readiness; liveness asks for `liveness`."""
    container = server_container(objects_of(case))
    (grpc_port,) = [p["containerPort"] for p in container["ports"] if p["name"] == "grpc"]
    expected = {
        "startupProbe": READINESS_SERVICE,
        "readinessProbe": READINESS_SERVICE,
        "livenessProbe": LIVENESS_SERVICE,
    }
    for probe, service in expected.items():
        assert set(container[probe]) - {"grpc"} <= {
            "periodSeconds",
            "failureThreshold",
            "timeoutSeconds",
            "initialDelaySeconds",
            "successThreshold",
        }, f"{probe} must be a gRPC probe only"
        assert container[probe]["grpc"] == {"port": grpc_port, "service": service}, probe


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_prestop_drain_and_grace_fit_inside_the_termination_grace_period(case: Case) -> None:
    """The kubelet's SIGKILL comes after the whole shutdown sequence, with time to spare."""
    objects = objects_of(case)
    pod = one(objects, "Deployment")["spec"]["template"]["spec"]
    container = server_container(objects)
    command = container["lifecycle"]["preStop"]["exec"]["command"]
    assert command[0] == "sleep"
    assert len(command) == 2
    env = plain_env(container)
    drain, grace = int(env["ROSTER_DRAIN_SECONDS"]), int(env["ROSTER_SHUTDOWN_GRACE_SECONDS"])
    total = int(command[1]) + drain + grace
    # Strictly less: closing the store and flushing telemetry happen after the grace.
    assert total < pod["terminationGracePeriodSeconds"]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_no_image_uses_latest_or_an_unpinned_tag(case: Case) -> None:
    """Every image names a version or a digest, never `latest`."""
    for _, container in pod_containers(objects_of(case)):
        image = container["image"]
        reference = image.split("@", 1)[1] if "@" in image else image.rsplit(":", 1)[-1]
        assert reference != image, f"{image} has no tag"
        assert reference != "latest", image


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_no_credentials_are_written_in_plain_values(case: Case) -> None:
    """Secret-looking settings come from Secrets; no URL carries a password; no Secret objects."""
    objects = objects_of(case)
    assert of_kind(objects, "Secret") == []
    for _, container in pod_containers(objects):
        for entry in container.get("env", []):
            if "value" in entry:
                assert not CREDENTIAL_URL.search(entry["value"]), entry["name"]
                is_sqlite = entry["value"].startswith("sqlite:")
                # *_FILE names where a mounted Secret is, not the secret itself.
                is_path = entry["name"].endswith("_FILE") and entry["value"].startswith("/")
                assert is_sqlite or is_path or not SECRET_NAME.search(entry["name"]), entry["name"]


def test_production_reads_the_database_url_from_a_secret_mounted_as_a_file() -> None:
    """In PostgreSQL mode every container that connects reads the URL from the mounted Secret."""
    objects = objects_of(Case("production", PRODUCTION))
    template = one(objects, "Deployment")["spec"]["template"]
    (volume,) = [v for v in template["spec"]["volumes"] if v["name"] == "database"]
    assert volume["secret"]["secretName"] == "roster-database"
    assert volume["secret"]["items"] == [{"key": "url", "path": "url"}]
    for _, container in pod_containers(objects):
        names = {entry["name"]: entry for entry in container["env"]}
        assert "ROSTER_DATABASE_URL" not in names
        assert names["ROSTER_DATABASE_URL_FILE"]["value"] == "/etc/roster/database/url"
        mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
        assert mounts["database"] == "/etc/roster/database"


@pytest.mark.parametrize("name", ["values.yaml", "values-production.yaml"])
def test_values_files_hold_no_credentials(name: str) -> None:
    """No password-bearing URL and no password-like key with a value in the shipped values."""
    text = (CHART / name).read_text()
    assert not CREDENTIAL_URL.search(text)

    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if re.search(r"password|token|secretKey$", key, re.IGNORECASE) is None:
                    walk(value, f"{path}.{key}")
                else:
                    # Only the *name* of a key in a Secret may appear, never a secret.
                    assert key == "secretKey", f"{path}.{key}"
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, f"{path}[{index}]")

    walk(yaml.safe_load(text), name)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_every_object_and_pod_carries_the_recommended_labels(case: Case) -> None:
    """app.kubernetes.io/* on every object and pod; selectors use only the stable ones."""
    objects = objects_of(case)
    for obj in objects:
        labels = obj["metadata"]["labels"]
        missing = [label for label in RECOMMENDED_LABELS if label not in labels]
        assert not missing, f"{obj['kind']} lacks {missing}"
    for _, template in pod_templates(objects):
        assert all(label in template["metadata"]["labels"] for label in RECOMMENDED_LABELS)
    selector = one(objects, "Deployment")["spec"]["selector"]["matchLabels"]
    # A selector with the version in it could never select across an upgrade.
    assert set(selector) == {
        "app.kubernetes.io/name",
        "app.kubernetes.io/instance",
        "app.kubernetes.io/component",
    }
    assert one(objects, "Service")["spec"]["selector"] == selector


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_service_account_token_is_never_mounted_and_there_is_no_rbac(case: Case) -> None:
    """Roster calls no Kubernetes API."""
    objects = objects_of(case)
    for account in of_kind(objects, "ServiceAccount"):
        assert account["automountServiceAccountToken"] is False
    for _, template in pod_templates(objects):
        assert template["spec"]["automountServiceAccountToken"] is False
    for kind in ("Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"):
        assert of_kind(objects, kind) == []


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_service_names_its_grpc_and_metrics_ports(case: Case) -> None:
    """Named ports `grpc` and `metrics` point at the container ports of the same name."""
    objects = objects_of(case)
    ports = {p["name"]: p for p in one(objects, "Service")["spec"]["ports"]}
    assert set(ports) == {"grpc", "metrics"}
    container_ports = {p["name"] for p in server_container(objects)["ports"]}
    assert {p["targetPort"] for p in ports.values()} == container_ports


def test_network_policy_denies_by_default_and_admits_clients_and_monitoring() -> None:
    """Ingress: gRPC from labelled client pods, metrics from the monitoring namespace only."""
    objects = objects_of(Case("production", PRODUCTION))
    policy = one(objects, "NetworkPolicy")["spec"]
    assert policy["podSelector"]["matchLabels"] == one(objects, "Service")["spec"]["selector"]
    assert set(policy["policyTypes"]) == {"Ingress", "Egress"}
    by_port = {rule["ports"][0]["port"]: rule["from"] for rule in policy["ingress"]}
    assert set(by_port) == {"grpc", "metrics"}
    assert by_port["grpc"] == [{"podSelector": {"matchLabels": {"roster.dev/client": "true"}}}]
    monitoring = {"kubernetes.io/metadata.name": "monitoring"}
    assert by_port["metrics"] == [{"namespaceSelector": {"matchLabels": monitoring}}]


def test_production_spreads_replicas_across_nodes() -> None:
    """At most one replica more on any node than on another; anti-affinity prefers apart."""
    template = one(objects_of(Case("production", PRODUCTION)), "Deployment")["spec"]["template"]
    spec = template["spec"]
    by_key = {c["topologyKey"]: c for c in spec["topologySpreadConstraints"]}
    node = by_key["kubernetes.io/hostname"]
    assert node["maxSkew"] == 1
    assert node["whenUnsatisfiable"] == "DoNotSchedule"
    assert "topology.kubernetes.io/zone" in by_key
    assert spec["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]


def test_production_turns_authentication_on_with_a_mounted_jwks() -> None:
    """ROSTER_AUTH_JWKS_FILE points inside a read-only mount of the JWKS ConfigMap."""
    objects = objects_of(Case("production", PRODUCTION))
    container = server_container(objects)
    env = plain_env(container)
    mounts = {m["name"]: m for m in container["volumeMounts"]}
    assert env["ROSTER_AUTH_JWKS_FILE"].startswith(mounts["jwks"]["mountPath"] + "/")
    assert mounts["jwks"]["readOnly"] is True
    assert env["ROSTER_AUTH_ISSUER"]
    assert env["ROSTER_AUTH_AUDIENCE"]


def test_prometheus_rule_embeds_the_monitoring_rule_groups_unchanged() -> None:
    """The PrometheusRule's groups are exactly the groups of the monitoring rule file."""
    rule = one(objects_of(Case("production", PRODUCTION)), "PrometheusRule")
    assert rule["spec"]["groups"] == yaml.safe_load(CHART_RULES.read_text())["groups"]


def test_chart_copy_of_the_rules_equals_deploy_monitoring() -> None:
    """Helm reads files inside the chart only; `make k8s` keeps this copy identical."""
    assert MONITORING_RULES.exists(), f"{MONITORING_RULES} is missing (branch `monitoring`)"
    assert CHART_RULES.read_bytes() == MONITORING_RULES.read_bytes(), "run `make k8s`"


def test_service_monitor_scrapes_the_metrics_port_of_the_service() -> None:
    """The ServiceMonitor selects the Service and its `metrics` port."""
    objects = objects_of(Case("production", PRODUCTION))
    monitor = one(objects, "ServiceMonitor")["spec"]
    assert monitor["selector"]["matchLabels"] == one(objects, "Service")["spec"]["selector"]
    assert [e["port"] for e in monitor["endpoints"]] == ["metrics"]


def test_chart_and_image_agree_on_user_ports_and_data_directory() -> None:
    """The pod runs as the image's user, exposes the image's ports, mounts its volume."""
    instructions = runtime_stage()
    user = [args for word, args in instructions if word == "USER"][-1]
    exposed = {int(p) for word, args in instructions if word == "EXPOSE" for p in args.split()}
    (volume,) = [args for word, args in instructions if word == "VOLUME"]
    container = server_container(objects_of(CASES[0]))
    context = container["securityContext"]
    assert user == f"{context['runAsUser']}:{context['runAsGroup']}"
    assert {p["containerPort"] for p in container["ports"]} == exposed
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert mounts["data"] == volume
