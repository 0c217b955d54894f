"""The one place that builds the core from settings: the CLI, the console, the demo and every test use it.

    async with bootstrap.core(settings, clock) as core:
        reply = await core.execute(request, "position", {"side": "pause"})

A store (open) or a summary engine may be passed in; otherwise they are built from the settings.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator
from importlib.metadata import entry_points

from bot.config import Settings
from bot.config_file import secret
from bot.core import Core
from bot.metrics import Metrics
from bot.ports import Clock, PlatformSpec, Store, Summarizer


def store_for(settings: Settings) -> Store:
    """The store `[storage] url` names, built but not yet open."""
    from storage import make_store  # the composition root is the one core module that may import storage

    return make_store(settings.storage.url, password=secret(settings.storage.password_env),
                      synchronous=settings.storage.synchronous,
                      busy_timeout_ms=settings.storage.busy_timeout_ms)


def platform_specs() -> list[PlatformSpec]:
    """Every chat platform installed (entry point group `steelman.platforms`), by name."""
    found = entry_points(group="steelman.platforms")
    return [spec.load() for spec in sorted(found, key=lambda e: e.name)]


def summarizer_for(settings: Settings) -> Summarizer:
    """The extractive engine, and the LLM engine when `[summary] engine = "llm"` (each space opts in)."""
    from bot.steelman.engines import Engines

    cfg = settings.summary
    if cfg.engine != "llm":
        return Engines()

    def llm():
        from bot.llm_sdk import complete_for
        from bot.steelman.llm import LLM

        return LLM(complete_for(cfg), model=f"{cfg.provider}:{cfg.base_url}:{cfg.model}")

    return Engines(llm)


def build(settings: Settings, clock: Clock, store: Store, *, summarizer: Summarizer | None = None,
          worker: str | None = None, metrics: Metrics | None = None) -> Core:
    """The core on an open store; `metrics` (bot.ops.PrometheusMetrics) hears of what it does."""
    # What is loaded by now (modules, the catalog, the steelman's weights) lives as long as the process:
    # out of the collector's sight, a full collection no longer walks it (pauses of tens of ms otherwise,
    # felt by whichever command is in flight).
    gc.freeze()
    return Core(store, settings, clock, summarizer or summarizer_for(settings), worker=worker,
                metrics=metrics)


@contextlib.asynccontextmanager
async def core(settings: Settings, clock: Clock, *, store: Store | None = None,
               summarizer: Summarizer | None = None, worker: str | None = None,
               metrics: Metrics | None = None) -> AsyncIterator[Core]:
    """An assembled core; a store built here (from `[storage] url`) is opened here and closed on the way out."""
    own = store is None
    store = store if store is not None else store_for(settings)
    if own:
        await store.open()
    try:
        yield build(settings, clock, store, summarizer=summarizer, worker=worker, metrics=metrics)
    finally:
        if own:
            await store.close()


__all__ = ["core", "store_for", "summarizer_for"]
