"""The chart's pod spec, translated into `podman run` options the way the kubelet applies it."""

from __future__ import annotations

from dataclasses import dataclass

from tests.deploy.deploy_chart import Case, Obj, one, render, server_container
from tests.deploy.image_process import pod_env

POD_NAME, NAMESPACE = "roster-7d9f", "roster"


@dataclass(frozen=True)
class Pod:
    """One rendered pod: its spec, the server container and the migrate init container."""

    spec: Obj
    server: Obj
    init: Obj

    @classmethod
    def rendered(cls, case: Case) -> Pod:
        """The Deployment's pod for one way of installing the chart."""
        objects = render(case)
        spec = one(objects, "Deployment")["spec"]["template"]["spec"]
        (init,) = spec["initContainers"]
        return cls(spec, server_container(objects), init)

    @property
    def image(self) -> str:
        """The image both containers run, as the chart names it."""
        assert self.init["image"] == self.server["image"]
        return f"localhost/{self.server['image']}"

    def uid(self, container: Obj) -> int:
        """The uid the kubelet runs a container as."""
        return int(self._security(container)["runAsUser"])

    def startup_budget(self) -> float:
        """How long the kubelet's startup probe waits before it restarts the container."""
        probe = self.server["startupProbe"]
        return float(probe["periodSeconds"] * probe["failureThreshold"])

    def stop_budget(self) -> float:
        """Seconds between SIGTERM and SIGKILL: the grace period less the preStop sleep."""
        pre_stop = int(self.server["lifecycle"]["preStop"]["exec"]["command"][1])
        return float(self.spec["terminationGracePeriodSeconds"] - pre_stop)

    def run_options(self, container: Obj, volume: str) -> list[str]:
        """`podman run` options for a container: security, mounts, env and ports."""
        return [
            *self._security_options(container),
            *self._mounts(container, volume),
            *[
                f"--env={key}={value}"
                for key, value in pod_env(container, POD_NAME, NAMESPACE).items()
            ],
            *[
                f"--publish=127.0.0.1::{port['containerPort']}"
                for port in container.get("ports", [])
            ],
        ]

    def _security(self, container: Obj) -> Obj:
        # Container settings override the pod's, as in Kubernetes.
        return {**self.spec.get("securityContext", {}), **container.get("securityContext", {})}

    def _security_options(self, container: Obj) -> list[str]:
        security = self._security(container)
        assert security["readOnlyRootFilesystem"] and not security["allowPrivilegeEscalation"]
        assert security["capabilities"]["drop"] == ["ALL"] and "add" not in security["capabilities"]
        # podman's default seccomp profile is what RuntimeDefault selects on a CRI runtime.
        assert security["seccompProfile"]["type"] == "RuntimeDefault"
        return [
            f"--user={security['runAsUser']}:{security['runAsGroup']}",
            f"--group-add={security['fsGroup']}",
            # Kubernetes mounts no scratch space of its own on a read-only root: only /tmp,
            # from the pod's emptyDir below, is writable.
            "--read-only",
            "--read-only-tmpfs=false",
            "--cap-drop=all",
            "--security-opt=no-new-privileges",
        ]

    def _mounts(self, container: Obj, volume: str) -> list[str]:
        volumes = {entry["name"]: entry for entry in self.spec["volumes"]}
        options = []
        for mount in container["volumeMounts"]:
            source = volumes[mount["name"]]
            if "emptyDir" in source:
                size = source["emptyDir"]["sizeLimit"].removesuffix("Mi")
                options.append(f"--tmpfs={mount['mountPath']}:rw,size={size}m,mode=1777")
            else:
                assert "persistentVolumeClaim" in source, mount["name"]
                options.append(f"--volume={volume}:{mount['mountPath']}")
        return options
