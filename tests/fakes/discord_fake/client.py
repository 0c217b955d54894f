"""Pointing the real discord.py at the fake, by configuration only, and running a client in a test."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, AsyncIterator, Iterator, TypeVar

import yarl

if TYPE_CHECKING:
    import discord

    from .server import FakeDiscord

C = TypeVar("C", bound="discord.Client")


@contextlib.contextmanager
def point_discord_at(fake: FakeDiscord | str) -> Iterator[None]:
    """Set discord.py's REST base (`Route.BASE`) and gateway (`DiscordWebSocket.DEFAULT_GATEWAY`) to the
    fake, restoring both afterwards. `fake` may be a FakeDiscord or its base URL (http://127.0.0.1:PORT).
    Both are class attributes read when a request or connection is made, so clients created inside or
    before the block all talk to the fake while it is active."""
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    base = fake if isinstance(fake, str) else fake.url
    old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = base.rstrip("/") + "/api/v10"
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(base.replace("http://", "ws://", 1).rstrip("/") + "/ws")
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway


class FastIdentifyMixin:
    """discord.py's default before_identify_hook sleeps 5 s before every re-IDENTIFY (after an invalid
    session); tests mix this in ahead of the client class to skip the wait."""

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None


@contextlib.asynccontextmanager
async def running(client: C, token: str, *, timeout: float = 5.0) -> AsyncIterator[C]:
    """Log `client` in, connect its gateway in the background, wait until it is ready, and close it
    after. A failure to start (bad token, disallowed intents...) is raised here rather than hanging."""
    try:
        await asyncio.wait_for(client.login(token), timeout)  # a bad token raises LoginFailure here
    except BaseException:
        await client.close()
        raise
    task = asyncio.create_task(client.connect(), name="discord-client")
    ready = asyncio.create_task(client.wait_until_ready())
    try:
        done, _ = await asyncio.wait({task, ready}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if ready not in done:
            if task.done():
                task.result()  # raises the gateway error (e.g. ConnectionClosed 4014, disallowed intents)
            raise asyncio.TimeoutError(f"client not ready within {timeout}s")
        yield client
    finally:
        ready.cancel()
        await client.close()
        await asyncio.wait_for(task, timeout)  # surfaces a client that crashed during the test
