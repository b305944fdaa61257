"""The roster.user.v2 interop scenario through the real buf curl, using server reflection only."""

import os
import sys

from tests.interop.bufcurl_scenario import BufCurl
from tests.interop.cli_scenario_v2 import run_scenario_v2
from tests.interop.scenario_steps import new_run


def main() -> int:
    """Run the v2 scenario with $BUF (default: buf on PATH)."""
    run = new_run("bufcurl-v2")
    return run_scenario_v2(BufCurl(os.environ.get("BUF", "buf"), run.address), run)


if __name__ == "__main__":
    sys.exit(main())
