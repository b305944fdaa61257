"""The metrics endpoint's lifecycle in the composition root: own port, closed at shutdown."""

from __future__ import annotations

import pytest

from roster_client import NotFoundError, UserClient
from roster_user.config import Settings
from roster_user.lifecycle import shutdown
from roster_user.server import build_server
from tests.conftest import with_settings
from tests.observability.scraping import scrape, scrape_once_settled, value

HANDLED = "grpc_server_handled_total"
GET_USER = {"grpc_service": "roster.user.v1.UserService", "grpc_method": "GetUser"}


async def test_the_endpoint_serves_the_private_registry_until_shutdown_then_frees_its_port(
    settings: Settings,
) -> None:
    running = await build_server(with_settings(settings, metrics_address="127.0.0.1:0"))
    try:
        page = await scrape(running.metrics_address)
    finally:
        await shutdown.drain(running)
    assert "process_cpu_seconds_total" in page.series_names
    assert "grpc_server_started_total" in page.series_names
    with pytest.raises(ConnectionRefusedError):
        await scrape(running.metrics_address)


async def test_an_empty_metrics_address_serves_no_endpoint(settings: Settings) -> None:
    running = await build_server(with_settings(settings, metrics_address=""))
    await shutdown.drain(running)
    assert running.metrics_address == ""
    assert running.flushers == []


async def test_two_servers_in_one_process_each_count_only_their_own_calls(
    settings: Settings,
) -> None:
    first = await build_server(with_settings(settings, metrics_address="127.0.0.1:0"))
    try:
        second = await build_server(with_settings(settings, metrics_address="127.0.0.1:0"))
        try:
            async with UserClient(first.address) as client:
                with pytest.raises(NotFoundError):
                    await client.get_user("users/missing")
            # Waits for the call to be counted at all; the assertion below then
            # holds only if it was counted once.
            first_page = await scrape_once_settled(
                first.metrics_address, lambda page: value(page, HANDLED, **GET_USER) >= 1
            )
            second_page = await scrape(second.metrics_address)
        finally:
            await shutdown.drain(second)
    finally:
        await shutdown.drain(first)
    assert value(first_page, HANDLED, **GET_USER) == 1
    assert value(second_page, HANDLED, **GET_USER) == 0
