"""Runs the image's start command outside a container, with the image's and the pod's env."""

from __future__ import annotations

import json
import math
import os
import re
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tests.deploy.deploy_chart import REPO, Obj, runtime_stage

VENV = REPO / ".venv"
TOOLS_BIN = REPO / ".tools" / "bin"
# Where the image keeps things, and where they are outside a container.
IMAGE_VENV = "/opt/venv"
IMAGE_DATA = "/data"


def image_entrypoint() -> list[str]:
    """The runtime stage's exec-form ENTRYPOINT."""
    (entrypoint,) = [args for word, args in runtime_stage() if word == "ENTRYPOINT"]
    command: list[str] = json.loads(entrypoint)
    return command


def image_cmd() -> list[str]:
    """The runtime stage's exec-form CMD (the default arguments)."""
    (cmd,) = [args for word, args in runtime_stage() if word == "CMD"]
    arguments: list[str] = json.loads(cmd)
    return arguments


def image_env() -> dict[str, str]:
    """The ENV of the runtime stage, as written (the build stage's ENV is not inherited)."""
    env: dict[str, str] = {}
    for word, args in runtime_stage():
        if word == "ENV":
            for pair in shlex.split(args):
                key, _, value = pair.partition("=")
                env[key] = value
    return env


def _kubelet_expand(value: str, env: Mapping[str, str]) -> str:
    # The kubelet expands $(NAME) from variables defined earlier in the list.
    return re.sub(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", lambda m: env.get(m[1], m[0]), value)


def pod_env(container: Obj, pod_name: str, namespace: str) -> dict[str, str]:
    """The container's env as the kubelet would set it, resolving downward-API references."""
    env: dict[str, str] = {}
    limits = container.get("resources", {}).get("limits", {})
    for entry in container.get("env", []):
        if "value" in entry:
            env[entry["name"]] = _kubelet_expand(entry["value"], env)
            continue
        source: dict[str, Any] = entry["valueFrom"]
        if "fieldRef" in source:
            field = source["fieldRef"]["fieldPath"]
            env[entry["name"]] = {"metadata.name": pod_name, "metadata.namespace": namespace}[field]
        elif "resourceFieldRef" in source:
            # limits.cpu with divisor 1 rounds up to whole CPUs, as the kubelet does.
            assert source["resourceFieldRef"]["resource"] == "limits.cpu"
            env[entry["name"]] = str(math.ceil(_cpu(limits["cpu"])))
        else:
            raise AssertionError(f"{entry['name']}: a Secret is not available outside a cluster")
    return env


def _cpu(quantity: str) -> float:
    return float(quantity[:-1]) / 1000 if quantity.endswith("m") else float(quantity)


def process_env(pod: Mapping[str, str], data_dir: Path) -> dict[str, str]:
    """Image ENV, then the pod's env on top, with the image's paths mapped to this checkout."""
    env = {"HOME": str(data_dir), "LANG": "C.UTF-8"}
    env.update(image_env())
    env.update(pod)
    # /opt/venv is the project's .venv here; tini comes from .tools/bin instead of /usr/bin.
    env["PATH"] = os.pathsep.join(
        [str(VENV / "bin"), str(TOOLS_BIN), os.environ.get("PATH", os.defpath)]
    )
    for key, value in env.items():
        if value.startswith(f"sqlite:///{IMAGE_DATA}/"):
            env[key] = value.replace(IMAGE_DATA, str(data_dir), 1)
    # Free ports instead of the fixed ones, so parallel runs cannot collide.
    env["ROSTER_LISTEN_ADDRESS"] = "127.0.0.1:0"
    env["ROSTER_METRICS_ADDRESS"] = "127.0.0.1:0"
    return env
