"""The operator's endpoint: /metrics moves as a debate runs; /readyz follows store, platforms."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.ops import OpsServer, PrometheusMetrics
from bot.testing import Harness
from storage.postgres.store import PostgresStore
from tests.stores import KINDS, fresh_store
from tests.tcp_proxy import Proxy


@asynccontextmanager
async def endpoint(core, metrics, platforms=()):
    server = OpsServer(core, platforms, metrics, "127.0.0.1", 0)
    await server.start()
    host, port = server.address
    try:
        async with aiohttp.ClientSession(f"http://{host}:{port}") as http:
            yield http
    finally:
        await server.stop()


async def scrape(http) -> dict[tuple[str, tuple], float]:
    async with http.get("/metrics") as answer:
        assert answer.status == 200
        text = await answer.text()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(samples, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def status(http, path: str) -> tuple[int, str]:
    async with http.get(path) as answer:
        return answer.status, await answer.text()


@pytest.fixture(params=KINDS)
async def store(request, tmp_path):
    async with fresh_store(request.param, tmp_path) as opened:
        yield opened


async def test_metrics_move_while_a_debate_runs(store):
    metrics = PrometheusMetrics()
    h = Harness(store, metrics=metrics)
    async with endpoint(h.core, metrics) as http:
        assert await status(http, "/healthz") == (200, "ok\n")
        assert await status(http, "/readyz") == (200, "ready\n")
        before = await scrape(http)
        assert value(before, "steelman_commands_total", command="position", outcome="ok") == 0

        _, thread = await h.start_debate(fmt="quick")
        for who in ("ada", "bo"):
            await h.say(who, "/position side:pause", thread=thread)
        await h.say(
            "ada", "/argue side:pause Too early.", thread=thread
        )  # refused: the pre-vote is on
        await h.advance(minutes=5)  # the pre-vote's deadline fires: the open floor is announced
        await h.say("ada", "/argue side:pause Compute is measurable.", thread=thread)
        h.clock.advance(timedelta(seconds=42))
        await h.core.execute_text(
            h.request("bo", thread=thread), "/position side:slow-down"
        )  # not sent yet

        after = await scrape(http)
    assert value(after, "steelman_commands_total", command="debate start", outcome="ok") == 1
    assert value(after, "steelman_commands_total", command="position", outcome="ok") == 3
    assert value(after, "steelman_commands_total", command="argue", outcome="refused") == 1
    assert value(after, "steelman_commands_total", command="argue", outcome="ok") == 1
    assert value(after, "steelman_command_seconds_count", command="position") == 3
    assert (
        value(after, "steelman_deliveries_total", platform="test", outcome="ok") >= 4
    )  # card, rounds, ...
    assert value(after, "steelman_agenda_lag_seconds_count", kind="phase_end") == 1
    assert value(after, "steelman_outbox_depth") >= 1  # the card's refresh after bo's change waits
    assert value(after, "steelman_store_errors_total", kind="StoreUnavailable") == 0


class Gate(Proxy):
    """The database's network path: `closed` refuses new connections, as a down server does."""

    closed = False

    async def _accept(self, reader, writer):
        if self.closed:
            writer.transport.abort()
            return
        await super()._accept(reader, writer)


class Platform:
    """A chat platform as the Platform port shows it to /readyz: its name, whether connected."""

    def __init__(self, name: str):
        self.name, self.connected = name, True


async def wait_status(http, path: str, wanted: int, timeout: float = 10) -> str:
    async def poll() -> str:
        while True:
            code, text = await status(http, path)
            if code == wanted:
                return text
            await asyncio.sleep(0.05)

    return await asyncio.wait_for(poll(), timeout)


@pytest.fixture
async def pg_store(tmp_path):
    async with fresh_store(
        "postgres", tmp_path
    ) as opened:  # skips without a server, with the reason
        yield opened


async def test_readyz_fails_while_the_store_is_unreachable_and_recovers_after(pg_store):
    # PostgreSQL, through a TCP proxy: a link that can be cut (SQLite is a local file)
    parts = urlsplit(pg_store.url)
    gate = await Gate(parts.hostname, parts.port or 5432).start()
    proxied = PostgresStore(
        parts._replace(netloc=f"{parts.username}@127.0.0.1:{gate.port}").geturl()
    )
    await proxied.open()
    metrics = PrometheusMetrics()
    slack = Platform("slack")
    h = Harness(proxied, metrics=metrics)
    try:
        async with endpoint(h.core, metrics, [slack]) as http:
            assert await status(http, "/readyz") == (200, "ready\n")
            gate.closed = True
            gate.cut()
            text = await wait_status(http, "/readyz", 503)
            assert "store: StoreUnavailable" in text
            assert (
                value(await scrape(http), "steelman_store_errors_total", kind="StoreUnavailable")
                >= 1
            )
            gate.closed = False
            await wait_status(http, "/readyz", 200)  # the pool reconnects by itself
            slack.connected = False
            assert await status(http, "/readyz") == (503, "not ready: slack: not connected\n")
            slack.connected = True
            h.core.stopping = (
                True  # a shutdown has begun: the load balancer should send work elsewhere
            )
            assert await status(http, "/readyz") == (503, "not ready: shutting down\n")
    finally:
        await proxied.close()
        await gate.close()
