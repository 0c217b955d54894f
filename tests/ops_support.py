"""`python -m bot run` as an operator runs it: a subprocess, on Slack (Socket Mode, against the
fake Slack in the test's process, its Web API reached through a proxy the test can hold), on a
SQLite file, with the ops endpoint on, logging JSON to stderr."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sqlite3
import sys
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.fakes.slack_fake import FakeSlack
from tests.fakes.slack_fake.client import PROXY_VARIABLES
from tests.slack_support import APP_TOKEN_ENV, BOT_TOKEN_ENV, text_of
from tests.tcp_proxy import Proxy

ROOT = Path(__file__).resolve().parents[1]
SHUTDOWN_SECONDS = 4
# Secret-looking tokens: none of them may ever show up in a log.
BOT_TOKEN = "xoxb-7301946582-4417209938-Zq8RkW3nVtY6pLmC2xHsJ9Ab"
APP_TOKEN = "xapp-1-A0OPS00001-5520114477-e4b9c1d07a6f38b2e5d91c0a7f3b6d24"

CONFIG = """
[storage]
url = "sqlite:///{db}"
[slack]
enabled = true
bot_token_env = "{bot_env}"
app_token_env = "{app_env}"
api_url = "{api_url}"
[ops]
enabled = true
http_port = {ops_port}
shutdown_seconds = {shutdown}
[formats.fast]
pre_vote = "2s"
post_vote = "1h"
[[formats.fast.rounds]]
name = "opening"
duration = "1h"
"""


class Valve(Proxy):
    """The path to Slack's Web API: `shut()` holds every post of a message on the way (other
    calls, such as looking up a member, go through), `open()` lets them through."""

    HELD = b"/api/chat.postMessage"

    def __init__(self, host: str, port: int):
        super().__init__(host, port)
        self.flowing = asyncio.Event()
        self.flowing.set()

    def shut(self) -> None:
        self.flowing.clear()

    def open(self) -> None:
        self.flowing.set()

    async def _pipe(self, reader, writer, link, upstream: bool) -> None:
        try:
            while data := await reader.read(65536):
                if upstream and self.HELD in data:
                    await self.flowing.wait()
                writer.write(data)
                await writer.drain()
        finally:
            self._abort(link)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class BotProcess:
    proc: asyncio.subprocess.Process
    db: Path
    ops_url: str
    lines: list[str] = field(default_factory=list)

    def records(self) -> list[dict]:
        """Every log line, each of which must be one JSON object."""
        return [json.loads(line) for line in self.lines if line.strip()]

    def events(self, name: str) -> list[dict]:
        return [r for r in self.records() if r.get("event") == name]

    def rows(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.db) as conn:
            return conn.execute(sql).fetchall()

    async def exits(self, timeout: float) -> int:
        return await asyncio.wait_for(self.proc.wait(), timeout)


async def _read(stream: asyncio.StreamReader, into: list[str]) -> None:
    while line := await stream.readline():
        into.append(line.decode())


@asynccontextmanager
async def running_bot(fake: FakeSlack, valve: Valve, tmp_path: Path):
    """The bot process, connected to the fake Slack; killed on the way out if still running."""
    ops_port = free_port()
    config = tmp_path / "config.toml"
    config.write_text(
        CONFIG.format(
            db=tmp_path / "bot.db",
            bot_env=BOT_TOKEN_ENV,
            app_env=APP_TOKEN_ENV,
            api_url=f"http://127.0.0.1:{valve.port}/api/",
            ops_port=ops_port,
            shutdown=SHUTDOWN_SECONDS,
        )
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in PROXY_VARIABLES and not k.startswith("STEELMAN")
    }
    env.update({BOT_TOKEN_ENV: BOT_TOKEN, APP_TOKEN_ENV: APP_TOKEN, "PYTHONUNBUFFERED": "1"})
    before = len(fake.socket.connections.items)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--config",
        str(config),
        "--log-format",
        "json",
        "run",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    bot = BotProcess(proc, tmp_path / "bot.db", f"http://127.0.0.1:{ops_port}")
    reader = asyncio.create_task(_read(proc.stderr, bot.lines))
    try:
        try:
            await fake.wait_for_connection(before + 1, timeout=20)
        except Exception:
            raise AssertionError("the bot did not connect:\n" + "".join(bot.lines))
        yield bot
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await asyncio.wait_for(reader, 5)


def slack_with_secret_tokens() -> FakeSlack:
    return FakeSlack(bot_token=BOT_TOKEN, app_token=APP_TOKEN)


async def answer(fake: FakeSlack, name: str, text: str, user: str, channel: str) -> str:
    """A member types a slash command; what the bot answered them."""
    since = len(fake.traffic.responses.items)
    delivery = await fake.slash_command(name, text, user=user, channel=channel)
    assert delivery.acked_in_time
    return text_of((await fake.wait_for_response(since=since, timeout=10.0)).body)
