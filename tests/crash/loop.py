"""Crash loop: `python -m bot run` SIGKILLed at random moments while members send bursts of commands and
the bot delivers, restarted each time; then nothing acknowledged may be missing and nothing posted twice.

Each run: a fresh store (a SQLite file, or a new PostgreSQL database), the fake Slack in this process
(Socket Mode; every Web API answer a little late, so a kill often falls between a post and its record),
a moderator's debate, then members' `/argue` commands in bursts while the bot process is killed `--kills`
times at random moments and restarted. A command counts as acknowledged when its member got the bot's
"Argument #n" answer. After a last start, once the outbox is drained, the run checks:

- lost: acknowledged arguments missing from the store (or stored twice);
- duplicates: messages the bot posted more than once (the same delivery key, or the same text);
- integrity: the SQLite file's `PRAGMA integrity_check`.

    python -m tests.crash.loop --runs 10 --stores sqlite,postgres --budget 240 [--out crash.json]

Exit status 1 if any run lost an acknowledged write or posted twice, 2 if no run finished in the budget.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.fakes.slack_fake import FakeSlack  # noqa: E402
from tests.fakes.slack_fake.client import PROXY_VARIABLES  # noqa: E402
from tests.pg_support import admin, with_database  # noqa: E402
from tests.slack_support import APP_TOKEN_ENV, BOT_TOKEN_ENV, CHANNEL, MAYA, MOTION, text_of  # noqa: E402

BOT_TOKEN = "xoxb-7301946582-4417209938-Cr4shL00pTokenAbCdEfGhIj"
APP_TOKEN = "xapp-1-A0CRASH0001-5520114477-c4a5b1d07a6f38b2e5d91c0a7f3b6d24"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
# Two debates in two channels: Slack takes about one post a second per channel, so two double the pace
CHANNELS = (CHANNEL, "C0DEBATE02")
CONFIG = """
[storage]
url = "{url}"
[slack]
enabled = true
bot_token_env = "{bot_env}"
app_token_env = "{app_env}"
api_url = "{api_url}"
[agenda]
lease_seconds = 5
[formats.crash]
pre_vote = "1s"
post_vote = "1h"
[[formats.crash.rounds]]
name = "opening"
duration = "1h"
"""


@dataclass
class Run:
    store: str
    number: int
    kills: int = 0
    kills_in_delivery: int = 0  # kills while a message was claimed and not yet recorded
    commands: int = 0
    acknowledged: int = 0
    lost: int = 0
    duplicates: int = 0
    posts: int = 0
    integrity: str = "n/a"
    seconds: float = 0.0
    start_seconds: float = 0.0  # of which waiting for the bot process to connect
    drain_seconds: float = 0.0  # of which waiting, after the last burst, for the outbox to drain
    notes: list[str] = field(default_factory=list)


# ---- the stores ------------------------------------------------------------------------------------


class Store:
    """Where one run's bot keeps its data, read back with plain SQL."""

    def __init__(self, kind: str, folder: Path, pg_url: str):
        self.kind, self.folder, self.admin = kind, folder, pg_url
        self.name = f"steelman_crash_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        self.url = f"sqlite:///{folder / 'bot.db'}" if kind == "sqlite" else with_database(pg_url, self.name)

    async def create(self) -> None:
        if self.kind == "postgres":
            await admin(self.admin, f'CREATE DATABASE "{self.name}"')

    async def drop(self) -> None:
        if self.kind == "postgres":
            await admin(self.admin, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    async def rows(self, sql: str) -> list[tuple]:
        if self.kind == "sqlite":
            path = self.folder / "bot.db"
            if not path.exists():
                return []
            with sqlite3.connect(path, timeout=10) as conn:
                try:
                    return conn.execute(sql).fetchall()
                except sqlite3.OperationalError:  # not migrated yet
                    return []
        import asyncpg

        conn = await asyncpg.connect(self.url)
        try:
            return [tuple(r) for r in await conn.fetch(sql)]
        except asyncpg.UndefinedTableError:
            return []
        finally:
            await conn.close()

    def integrity(self) -> str:
        if self.kind != "sqlite":
            return "n/a"
        with sqlite3.connect(self.folder / "bot.db") as conn:
            return conn.execute("PRAGMA integrity_check").fetchone()[0]


# ---- the bot process -------------------------------------------------------------------------------


class BotProcess:
    def __init__(self, fake: FakeSlack, store: Store, folder: Path):
        self.fake, self.store, self.folder = fake, store, folder
        self.proc: asyncio.subprocess.Process | None = None
        self.log = folder / "bot.log"
        config = folder / "config.toml"
        config.write_text(CONFIG.format(url=store.url, bot_env=BOT_TOKEN_ENV, app_env=APP_TOKEN_ENV,
                                        api_url=fake.api_url))
        self.config = config
        self.starting = 0.0

    async def start(self, timeout: float = 30) -> None:
        began = time.monotonic()
        env = {k: v for k, v in os.environ.items()
               if k not in PROXY_VARIABLES and not k.startswith("STEELMAN")}
        env.update({BOT_TOKEN_ENV: BOT_TOKEN, APP_TOKEN_ENV: APP_TOKEN, "PYTHONUNBUFFERED": "1"})
        before = len(self.fake.socket.connections.items)
        with open(self.log, "ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "--config", str(self.config), "run", cwd=ROOT, env=env,
                stdout=asyncio.subprocess.DEVNULL, stderr=log)
        try:
            await self.fake.wait_for_connection(before + 1, timeout=timeout)
        except Exception:
            raise RuntimeError("the bot did not connect:\n" + self.log.read_text()[-3000:]) from None
        self.starting += time.monotonic() - began

    async def kill(self) -> None:
        if self.proc and self.proc.returncode is None:
            self.proc.kill()  # SIGKILL: no shutdown, no release of claims
            await self.proc.wait()
        conn = self.fake.socket.active
        if conn is not None:  # the fake notices the dead socket as Slack would, a moment later
            await asyncio.sleep(0.05)

    async def stop(self) -> None:
        await self.kill()


# ---- one run ---------------------------------------------------------------------------------------


async def command(fake: FakeSlack, name: str, text: str, user: str, timeout: float,
                  channel: str = CHANNEL) -> str | None:
    """A member types a slash command; what the bot answered them, or None if no answer came in time."""
    delivery = await fake.slash_command(name, text, user=user, channel=channel, wait_ack=False)
    url_id = delivery.payload["response_url"].rsplit("/", 1)[-1]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for response in fake.traffic.responses.items:
            if response.url_id == url_id:
                return text_of(response.body)
        await asyncio.sleep(0.05)
    return None


def bot_posts(fake: FakeSlack) -> list[Any]:
    return [m for channel in CHANNELS for m in fake.world.channels[channel].messages if m.bot_id]


async def posted_unrecorded(fake: FakeSlack, store: Store, timeout: float) -> bool:
    """Wait for the moment a post is made on Slack and not yet recorded as delivered in the store (more
    of the bot's messages in the channel than delivered posts in the outbox); False if none came."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        made = len(bot_posts(fake))
        rows = await store.rows("SELECT COUNT(*) FROM outbox WHERE edit_of IS NULL AND delivered_at IS NOT NULL")
        if rows and made > rows[0][0]:
            return True
        await asyncio.sleep(0.01)
    return False


async def until(condition: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := await condition():
            return found
        await asyncio.sleep(0.1)
    raise RuntimeError(f"not within {timeout}s: {what}")


async def one_run(kind: str, number: int, args: argparse.Namespace, rng: random.Random) -> Run:
    run = Run(kind, number)
    began = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix=f"steelman-crash-{kind}-"))
    store = Store(kind, folder, args.pg_url)
    await store.create()
    members = [f"U0CRASH{i:03d}" for i in range(args.members)]
    try:
        slack = FakeSlack(bot_token=BOT_TOKEN, app_token=APP_TOKEN, answer_delay=args.answer_delay)
        async with slack as fake:
            for user in members:
                fake.add_user(user, user.lower())
            fake.add_channel(CHANNELS[1], "debates-two", is_member=True)
            bot = BotProcess(fake, store, folder)
            await bot.start()
            start = f'start motion:"{MOTION}" sides:"yes, no" format:crash'
            for channel in CHANNELS:
                started = await command(fake, "/debate", start, MAYA, 10, channel)
                if not started or "has started" not in started:
                    raise RuntimeError(f"the debate did not start: {started!r}")
            await asyncio.sleep(1.2)  # the pre-vote ends: arguments are open
            acked: list[str] = []
            sent = 0

            async def member(i: int) -> None:
                nonlocal sent
                user = members[i % len(members)]
                text = f"Crash argument {number}-{i}: evaluations must come before scale, reason {i}."
                sent += 1
                side, debate = ("yes" if i % 2 else "no"), i % len(CHANNELS)
                answer = await command(fake, "/argue", f"debate:{debate + 1} side:{side} {text}", user, 8,
                                       CHANNELS[debate])
                if answer and "Argument #" in answer:
                    acked.append(text)

            tasks: list[asyncio.Task] = []
            for kill in range(args.kills + 1):
                burst = [asyncio.create_task(member(len(tasks) + j)) for j in range(args.burst)]
                tasks += burst
                if kill == args.kills:
                    break
                sent_first = args.kill_at == "sent" or (args.kill_at == "mixed" and kill % 2 == 1)
                if not (sent_first and await posted_unrecorded(fake, store, args.kill_window + 3)):
                    await asyncio.sleep(rng.uniform(0.1, args.kill_window))
                in_flight = await store.rows("SELECT COUNT(*) FROM outbox WHERE claimed_by IS NOT NULL "
                                             "AND delivered_at IS NULL AND failed_at IS NULL")
                await bot.kill()
                run.kills += 1
                run.kills_in_delivery += bool(in_flight and in_flight[0][0])
                await asyncio.sleep(rng.uniform(0.0, 0.3))
                await bot.start()
            await asyncio.gather(*tasks)
            run.commands, run.acknowledged = sent, len(acked)

            async def drained() -> bool:
                rows = await store.rows("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL "
                                        "AND failed_at IS NULL")
                return bool(rows) and rows[0][0] == 0

            draining = time.monotonic()
            await until(drained, 40, "the outbox drained")
            run.drain_seconds = round(time.monotonic() - draining, 1)
            run.start_seconds = round(bot.starting, 1)
            await bot.stop()
            run.integrity = store.integrity()
            stored = Counter(r[0] for r in await store.rows("SELECT text FROM arguments"))
            run.lost = sum(1 for text in acked if stored[text] != 1)
            posted = bot_posts(fake)
            run.posts = len(posted)
            keys = Counter((m.metadata or {}).get("event_payload", {}).get("key") for m in posted if m.metadata)
            texts = Counter(text_of(m) for m in posted)
            run.duplicates = max(sum(n - 1 for n in keys.values()), sum(n - 1 for n in texts.values()))
            failed = await store.rows("SELECT COUNT(*) FROM outbox WHERE failed_at IS NOT NULL")
            if failed and failed[0][0]:
                run.notes.append(f"{failed[0][0]} deliveries given up")
            missing = [t for t in acked if sum(t in text_of(m) for m in posted) != 1]
            if missing:
                run.notes.append(f"{len(missing)} acknowledged arguments not posted exactly once")
                run.duplicates += sum(1 for t in missing if sum(t in text_of(m) for m in posted) > 1)
    finally:
        await store.drop()
        if not (run.lost or run.duplicates):  # a failed run's folder (its bot.log) is kept to read
            shutil.rmtree(folder, ignore_errors=True)
        else:
            run.notes.append(f"log: {folder / 'bot.log'}")
    run.seconds = round(time.monotonic() - began, 1)
    return run


# ---- the loop --------------------------------------------------------------------------------------


def table(runs: list[Run]) -> str:
    head = "| store | runs | kills | kills in delivery | commands | acknowledged | lost | duplicate posts | posts |"
    lines = [head, "|" + "---|" * 9]
    for kind in dict.fromkeys(r.store for r in runs):
        mine = [r for r in runs if r.store == kind]
        total = {k: sum(getattr(r, k) for r in mine) for k in
                 ("kills", "kills_in_delivery", "commands", "acknowledged", "lost", "duplicates", "posts")}
        lines.append(f"| {kind} | {len(mine)} | {total['kills']} | {total['kills_in_delivery']} | "
                     f"{total['commands']} | {total['acknowledged']} | {total['lost']} | {total['duplicates']} | "
                     f"{total['posts']} |")
    return "\n".join(lines)


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10, help="runs per store")
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument("--kills", type=int, default=2, help="SIGKILLs per run")
    parser.add_argument("--burst", type=int, default=8, help="commands sent together before each kill")
    parser.add_argument("--members", type=int, default=12)
    parser.add_argument("--kill-window", type=float, default=1.2, help="a kill falls within this many seconds")
    parser.add_argument("--kill-at", choices=["random", "sent", "mixed"], default="mixed",
                        help="kill at a random moment, just after a post is made (before it is recorded), "
                             "or each in turn")
    parser.add_argument("--answer-delay", type=float, default=0.1, help="the fake Slack's lag per answer")
    parser.add_argument("--budget", type=float, default=0, help="seconds: no new run starts after it (0: none)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--pg-url", default=os.environ.get("STEELMAN_TEST_POSTGRES_URL", DEFAULT_PG))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    for name in PROXY_VARIABLES:
        os.environ.pop(name, None)
    kinds = [k for k in args.stores.split(",") if k]
    began, runs = time.monotonic(), []
    print(f"crash loop: {args.runs} runs x {kinds}, {args.kills} kills each, seed {seed}", flush=True)
    for number in range(1, args.runs + 1):
        for kind in kinds:  # the stores take turns, so a budget cut leaves both with runs
            if args.budget and time.monotonic() - began > args.budget:
                break
            run = await one_run(kind, number, args, rng)
            runs.append(run)
            print(f"  {kind} #{number}: {run.kills} kills ({run.kills_in_delivery} in delivery), "
                  f"{run.acknowledged}/{run.commands} acknowledged, lost {run.lost}, duplicates "
                  f"{run.duplicates}, integrity {run.integrity}, {run.seconds}s (starts {run.start_seconds}s, "
                  f"drain {run.drain_seconds}s) {'; '.join(run.notes)}",
                  flush=True)
    print(table(runs))
    took = round(time.monotonic() - began, 1)
    bad = [r for r in runs if r.lost or r.duplicates or r.integrity not in ("ok", "n/a")]
    verdict = "FAILED" if bad else "0 acknowledged writes lost, 0 duplicate posts"
    print(f"{len(runs)} runs in {took}s: {verdict}")
    if args.out:
        args.out.write_text(json.dumps({"seed": seed, "seconds": took, "runs": [asdict(r) for r in runs]},
                                       indent=2))
    if bad:
        return 1
    return 0 if runs else 2


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
