"""The operator's HTTP endpoint (`[ops] enabled`): /healthz, /readyz and Prometheus /metrics.

    /healthz   200 while the process serves HTTP at all (for a supervisor's liveness check)
    /readyz    200 when a unit of work on the store commits and every platform is connected, else
               503 with what is wrong (for a load balancer, and to page someone); 503 too while
               shutting down
    /metrics   Prometheus text: commands, latency, deliveries, agenda lag, store errors, outbox
               backlog

Served by aiohttp with metrics from the official prometheus-client (the `ops` extra). Each server
has its own registry, so several cores in one process (tests) never clash over metric names.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from bot.metrics import Metrics

log = logging.getLogger("steelman.ops")
CHECK_SECONDS = 3.0  # a store that takes longer than this to commit nothing is not ready
# Command latency: most commands take a few milliseconds; a store fault shows up in the tail.
LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
LAG_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1, 2, 5, 15, 30, 60, 300, 900)


class PrometheusMetrics(Metrics):
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.commands = Counter(
            "steelman_commands",
            "Commands answered, by command and outcome",
            ["command", "outcome"],
            registry=r,
        )
        self.latency = Histogram(
            "steelman_command_seconds",
            "Time to answer a command",
            ["command"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.deliveries = Counter(
            "steelman_deliveries",
            "Delivery attempts, by platform and outcome (ok, retry, failed: given up)",
            ["platform", "outcome"],
            registry=r,
        )
        self.lag = Histogram(
            "steelman_agenda_lag_seconds",
            "How late due work (a round's end, ...) fired",
            ["kind"],
            buckets=LAG_BUCKETS,
            registry=r,
        )
        self.store_errors = Counter(
            "steelman_store_errors", "Units of work the store could not run", ["kind"], registry=r
        )
        self.outbox_depth = Gauge(
            "steelman_outbox_depth", "Messages waiting to be delivered", registry=r
        )
        self.outbox_age = Gauge(
            "steelman_outbox_oldest_seconds",
            "How long the oldest waiting message has waited",
            registry=r,
        )
        self.ready = Gauge("steelman_ready", "1 when /readyz passes", registry=r)

    def command(self, name: str, outcome: str, seconds: float) -> None:
        self.commands.labels(name, outcome).inc()
        self.latency.labels(name).observe(seconds)

    def delivery(self, platform: str, outcome: str) -> None:
        self.deliveries.labels(platform, outcome).inc()

    def job(self, kind: str, lag_seconds: float) -> None:
        self.lag.labels(kind).observe(lag_seconds)

    def store_error(self, kind: str) -> None:
        self.store_errors.labels(kind).inc()


class OpsServer:
    """Serves the three paths for one core and its platforms; `start` returns once listening."""

    def __init__(
        self, core: Any, platforms: Sequence[Any], metrics: PrometheusMetrics, host: str, port: int
    ):
        self.core, self.platforms, self.metrics = core, list(platforms), metrics
        self.host, self.port = host, port
        self.address: tuple[str, int] | None = None
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._metrics)
        # No access log: a scrape every few seconds is not an event, and would drown those that
        # are.
        self._runner = web.AppRunner(
            app, handle_signals=False, access_log=None, shutdown_timeout=1
        )
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.address = self._runner.addresses[0][:2]
        log.info("ops endpoint on http://%s:%s (/healthz /readyz /metrics)", *self.address)

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def _healthz(self, _: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def problems(self) -> list[str]:
        """What keeps this process from serving: empty when ready."""
        found = ["shutting down"] if self.core.stopping else []
        try:
            await asyncio.wait_for(self.core.store.transact(_nothing), CHECK_SECONDS)
        except Exception as exc:  # unreachable, refused, or too slow: the cause is in the log
            found.append(f"store: {type(exc).__name__}")
        for platform in self.platforms:
            if not getattr(
                platform, "connected", True
            ):  # adapters without the property count as up
                found.append(f"{platform.name}: not connected")
        return found

    async def _readyz(self, _: web.Request) -> web.Response:
        found = await self.problems()
        self.metrics.ready.set(0 if found else 1)
        if found:
            return web.Response(status=503, text="not ready: " + "; ".join(found) + "\n")
        return web.Response(text="ready\n")

    async def _metrics(self, _: web.Request) -> web.Response:
        try:  # the backlog is read at scrape time: it is the store's state, not an event of ours
            depth, age = await asyncio.wait_for(self.core.outbox_backlog(), CHECK_SECONDS)
            self.metrics.outbox_depth.set(depth)
            self.metrics.outbox_age.set(age)
        except Exception as exc:  # the scrape still answers, with the last known backlog
            log.warning("metrics: could not read the outbox backlog: %r", exc)
        body = generate_latest(self.metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


async def _nothing(uow: Any) -> None:
    """A unit of work that reads and writes nothing: it still opens and commits a transaction."""
