"""The roster.user.v2 interop scenario through the real grpcurl, using server reflection only."""

import os
import sys

from tests.interop.cli_scenario_v2 import run_scenario_v2
from tests.interop.grpcurl_scenario import Grpcurl
from tests.interop.scenario_steps import new_run


def main() -> int:
    """Run the v2 scenario with $GRPCURL (default: grpcurl on PATH)."""
    run = new_run("grpcurl-v2")
    return run_scenario_v2(Grpcurl(os.environ.get("GRPCURL", "grpcurl"), run.address), run)


if __name__ == "__main__":
    sys.exit(main())
