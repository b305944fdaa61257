"""The kubelet's gRPC probe, played by grpc-health-probe (the same Health.Check protocol)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.deploy.deploy_chart import REPO, Obj

GRPC_HEALTH_PROBE = REPO / ".tools" / "bin" / "grpc-health-probe"
# grpc-health-probe's documented exit codes.
SERVING = 0
UNHEALTHY = 4


async def probe(address: str, probe_spec: Obj) -> int:
    """Run one probe of a container's `startupProbe`/`readinessProbe`/`livenessProbe` spec.

    The probe's timeoutSeconds bounds both the connection and the call, as it does for the
    kubelet; the exit code says SERVING (0), NOT_SERVING (4) or why no answer came.
    """
    assert Path(GRPC_HEALTH_PROBE).exists(), (
        f"{GRPC_HEALTH_PROBE} is missing: run `make image-test`"
    )
    timeout = f"{probe_spec['timeoutSeconds']}s"
    process = await asyncio.create_subprocess_exec(
        str(GRPC_HEALTH_PROBE),
        f"-addr={address}",
        f"-service={probe_spec['grpc']['service']}",
        f"-connect-timeout={timeout}",
        f"-rpc-timeout={timeout}",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    return await process.wait()
