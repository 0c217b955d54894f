"""`python -m bot run` from start to a clean exit: serve until SIGTERM or SIGINT, then stop.

On the signal, within `[ops] shutdown_seconds`:
1. /readyz turns 503 (a load balancer stops sending work) and the agenda claims nothing more; the
   step in progress (a deadline firing, a message being sent) gets most of the time to finish. What
   is still running then is cancelled: its transaction rolls back, and its message stays queued.
2. This process's unfinished claims are released: another process takes them now, not after the
   lease.
3. The platforms' connections close (their own in-flight requests end with them), then the store.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Sequence
from typing import Any

from bot.agenda import Agenda
from bot.logs import event

log = logging.getLogger("steelman.serve")
SIGNALS = (signal.SIGTERM, signal.SIGINT)


async def serve(
    core: Any, agenda: Agenda, platforms: Sequence[Any], ops: Any, grace: float
) -> None:
    """Run the agenda and the platforms until a signal; a platform that cannot start raises."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    agenda_task = asyncio.create_task(agenda.run(), name="agenda")
    platform_tasks = [asyncio.create_task(p.run(), name=p.name) for p in platforms]
    stopper = asyncio.create_task(stop.wait())
    try:
        if ops is not None:
            await ops.start()
        event(log, "started", worker=core.worker, platforms=",".join(p.name for p in platforms))
        done, _ = await asyncio.wait(
            [stopper, agenda_task, *platform_tasks], return_when=asyncio.FIRST_COMPLETED
        )
        for task in done - {stopper}:
            # a platform that could not connect: its error (naming the setting) goes up
            task.result()
            log.error("%s stopped by itself; shutting down", task.get_name())
    finally:
        for sig in SIGNALS:
            loop.remove_signal_handler(sig)
        await shutdown(core, agenda, agenda_task, platforms, platform_tasks, ops, grace)
        stopper.cancel()


async def shutdown(
    core: Any,
    agenda: Agenda,
    agenda_task: asyncio.Task,
    platforms: Sequence[Any],
    platform_tasks: list[asyncio.Task],
    ops: Any,
    grace: float,
) -> None:
    started = time.monotonic()
    event(log, "stopping", worker=core.worker, grace_s=grace)
    agenda.stop()
    finished = await _within(agenda_task, grace * 0.6)
    await _bounded(core.release_claims(), max(0.5, grace * 0.15), "releasing claims")
    await asyncio.gather(
        *(_bounded(p.stop(), max(0.5, grace * 0.15), f"closing {p.name}") for p in platforms)
    )
    for task in platform_tasks:
        task.cancel()
    await asyncio.gather(*platform_tasks, return_exceptions=True)
    if ops is not None:
        await _bounded(ops.stop(), 1, "closing the ops endpoint")
    event(
        log,
        "stopped",
        worker=core.worker,
        in_flight="finished" if finished else "cancelled",
        ms=round((time.monotonic() - started) * 1000),
    )


async def _within(task: asyncio.Task, seconds: float) -> bool:
    """Let `task` end by itself for `seconds`, then cancel it. True if it ended by itself."""
    done, _ = await asyncio.wait([task], timeout=seconds)
    if not done:
        task.cancel()
    results = await asyncio.gather(task, return_exceptions=True)
    if isinstance(results[0], Exception):
        log.error("the agenda failed while stopping: %r", results[0])
    return bool(done)


async def _bounded(step: Any, seconds: float, what: str) -> None:
    try:
        await asyncio.wait_for(step, seconds)
    except Exception as exc:  # shutting down goes on: a lease left behind runs out by itself
        log.warning("%s did not complete: %r", what, exc)
