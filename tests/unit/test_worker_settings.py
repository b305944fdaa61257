"""ROSTER_WORKERS and ROSTER_EVENT_LOOP: defaults, accepted values, one clear line otherwise."""

from __future__ import annotations

import asyncio

import pytest
import uvloop

from roster_user.config import Settings, SettingsError
from roster_user.lifecycle.event_loop import run_loop


def test_one_worker_on_the_asyncio_loop_is_the_default() -> None:
    settings = Settings.load({})
    assert (settings.workers, settings.event_loop) == (1, "asyncio")


@pytest.mark.parametrize(
    ("variable", "value"), [("ROSTER_WORKERS", "0"), ("ROSTER_EVENT_LOOP", "trio")]
)
def test_a_bad_worker_setting_names_its_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        Settings.load({variable: value})


@pytest.mark.parametrize(
    ("name", "loop_type"), [("asyncio", asyncio.AbstractEventLoop), ("uvloop", uvloop.Loop)]
)
def test_the_chosen_event_loop_runs_the_command(name: str, loop_type: type) -> None:
    async def which() -> int:
        assert isinstance(asyncio.get_running_loop(), loop_type)
        return 7

    assert run_loop(Settings.load({"ROSTER_EVENT_LOOP": name}), which()) == 7
