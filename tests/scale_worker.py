"""One bot process for the multi-process tests and the scale benchmark: the real core and agenda loop on
PostgreSQL, on the wall clock, with a chat that appends each delivery as a line to a shared log file.

    python tests/scale_worker.py --url URL --name w1 --log deliveries.log [--lease 5] [--hang-marker FILE]

With --hang-marker the process stops dead right after its first claim of due work (holding the claims and
their leases) and writes how many it claimed to that file: the test then kills it with SIGKILL, and the
other processes must take the work over once the leases run out.

`seed` (used by the test and the benchmark) starts N debates, one per channel, and moves every first
deadline to one instant, so all processes wake to the same pile of due work.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.agenda import Agenda  # noqa: E402
from bot import bootstrap  # noqa: E402
from bot.clock import ManualClock, SystemClock  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.handlers import Request  # noqa: E402
from bot.domain import Actor, Job, SpaceRef  # noqa: E402
from bot.jobs import JobCtx, job_kind  # noqa: E402
from bot.messages import OutboxItem, Receipt  # noqa: E402
from storage.postgres.store import PostgresStore  # noqa: E402

SPACE = SpaceRef("test", "scale", "Scale")


class LogChat:
    """Appends one JSON line per delivery. O_APPEND keeps lines from several processes whole."""

    def __init__(self, path: str, worker: str):
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.worker = worker

    async def deliver(self, item: OutboxItem) -> Receipt:
        line = {"worker": self.worker, "item": item.id, "debate": item.out.debate_id,
                "edit": item.out.edit_of is not None, "title": item.out.message.title or "",
                "at": datetime.now(UTC).timestamp()}
        os.write(self.fd, (json.dumps(line) + "\n").encode())
        return Receipt(f"m{item.id}", f"t{item.out.debate_id}" if item.out.open_thread else None)


class HangingStore(PostgresStore):
    """Freezes right after its first non-empty claim of due work, as a process does when it hangs or dies."""

    def __init__(self, url: str, marker: str, **options):
        super().__init__(url, **options)
        self.marker = marker

    async def transact(self, work):
        result = await super().transact(work)
        if isinstance(result, list) and result and isinstance(result[0], Job):
            Path(self.marker).write_text(json.dumps([j.id for j in result]))
            await asyncio.sleep(3600)  # holding the claims until SIGKILL
        return result


PROBE = "probe"  # a kind of job with no debate, run only by these test processes


def register_probe(log: str, worker: str) -> None:
    """The probe job appends a line naming itself: the test counts how often each one fired."""
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    @job_kind(PROBE)
    async def probe(ctx: JobCtx) -> bool:
        line = {"worker": worker, "probe": ctx.job.key, "title": "", "at": datetime.now(UTC).timestamp()}
        os.write(fd, (json.dumps(line) + "\n").encode())
        return True


def settings(lease: int) -> Settings:
    return Settings.model_validate({"agenda": {"lease_seconds": lease, "max_sleep_seconds": 60}})


async def run_worker(args: argparse.Namespace) -> None:
    options = {"pool_max": 4}
    store = HangingStore(args.url, args.hang_marker, **options) if args.hang_marker else PostgresStore(args.url, **options)
    await store.open()
    register_probe(args.log, args.name)
    core = bootstrap.build(settings(args.lease), SystemClock(60), store, worker=args.name)
    print("ready", flush=True)
    await Agenda(core, LogChat(args.log, args.name), core.clock).run()


class _Quiet:
    async def deliver(self, item: OutboxItem) -> Receipt:
        return Receipt(f"m{item.id}", f"t{item.out.debate_id}" if item.out.open_thread else None)


async def seed(url: str, debates: int, due_at: datetime, concurrency: int = 20, probes: int = 0) -> None:
    """Start `debates` quick debates (cards delivered), then make all their first deadlines `due_at`; add
    `probes` jobs of a kind with no debate, due then too."""
    store = PostgresStore(url, pool_max=concurrency)
    await store.open()
    try:
        core = bootstrap.build(settings(30), ManualClock(datetime.now(UTC)), store, worker="seed")
        maya = Actor("maya", "Maya", True)
        line = '/debate start motion:"Compute governance is safer than software governance" format:quick'
        queue = list(range(debates))

        async def starter() -> None:
            while queue:
                channel = f"c{queue.pop()}"
                reply = await core.execute_text(Request(SPACE, maya, channel), line)
                assert "has started" in reply.message.text, reply.message.text

        await asyncio.gather(*(starter() for _ in range(concurrency)))
        await Agenda(core, _Quiet(), core.clock).settle()

        async def add_probes(uow):
            space = await uow.space(SPACE, due_at)
            for n in range(probes):
                await uow.schedule(Job(PROBE, due_at, space.id, f"probe-{n}", payload={"n": n}))

        await store.transact(add_probes)
        async with store.connection() as conn:
            await conn.execute("UPDATE agenda SET due_at = $1 WHERE done_at IS NULL", due_at)
            await conn.execute("UPDATE debates SET phase_ends_at = $1", due_at)
    finally:
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--lease", type=int, default=5)
    parser.add_argument("--hang-marker")
    asyncio.run(run_worker(parser.parse_args()))


if __name__ == "__main__":
    main()
