"""Scraping a server's metrics endpoint over HTTP and reading values from the page."""

from __future__ import annotations

import asyncio
import http.client
from collections.abc import Callable

from prometheus_client.openmetrics.parser import (
    text_string_to_metric_families as openmetrics_families,
)
from prometheus_client.samples import Sample

from tests.monitoring.scrape import Scrape, parse_exposition
from tests.support.processes import ServerProcess

OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8"


async def metrics_address(server: ServerProcess) -> str:
    """The bound metrics HOST:PORT the server logged."""
    return str((await server.wait_for_log("metrics endpoint serving"))["metrics_address"])


def _get(address: str, accept: str) -> str:
    host, port = address.rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", "/metrics", headers={"Accept": accept})
        response = connection.getresponse()
        body = response.read().decode()
        assert response.status == 200, body
        return body
    finally:
        connection.close()


async def scrape(address: str) -> Scrape:
    """One scrape in the Prometheus text format."""
    return parse_exposition(await asyncio.to_thread(_get, address, "text/plain"))


async def scrape_openmetrics(address: str) -> list[Sample]:
    """One scrape in the OpenMetrics format, which carries exemplars."""
    text = await asyncio.to_thread(_get, address, OPENMETRICS)
    families = openmetrics_families(text)  # type: ignore[no-untyped-call]
    return [sample for family in families for sample in family.samples]


def value(page: Scrape, name: str, **labels: str) -> float:
    """The sum of the samples called `name` that have these labels (0 when none)."""
    return sum(
        sample.value
        for sample in page.samples
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items())
    )


def delta(before: Scrape, after: Scrape, name: str, **labels: str) -> float:
    """How much a series moved between two scrapes."""
    return value(after, name, **labels) - value(before, name, **labels)


async def scrape_once_settled(
    address: str, settled: Callable[[Scrape], bool], timeout: float = 10
) -> Scrape:
    """The first scrape for which `settled` holds.

    An aborted call's status reaches the client before the server's interceptor
    has counted it (grpc sends the status inside `abort`), so counts settle a
    moment after the client has seen the last answer.
    """

    async def poll() -> Scrape:
        while True:
            page = await scrape(address)
            if settled(page):
                return page
            await asyncio.sleep(0.02)  # poll interval; the deadline is the wait_for below

    return await asyncio.wait_for(poll(), timeout)
