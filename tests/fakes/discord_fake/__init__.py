"""A fake Discord (REST + gateway on 127.0.0.1) that the real discord.py client talks to, for tests.

A pytest fixture::

    @pytest_asyncio.fixture
    async def fake():
        async with FakeDiscord() as server:        # random free port on 127.0.0.1
            with point_discord_at(server):          # discord.py's Route.BASE and DEFAULT_GATEWAY
                yield server

    async def test_something(fake):
        client = MyClient(intents=discord.Intents.default(), guild_ready_timeout=0.05)
        async with running(client, fake.token):     # login + gateway + wait until ready; closes after
            interaction = await fake.send_slash_command("debate start", {"motion": "..."})
            call = await fake.wait_for_callback(interaction)

Modules: server (FakeDiscord and its helpers), gateway (sessions, resume, op 7/9), interactions (callbacks,
followups, deadlines), channels and rest (REST routes), limits (50035 validation), actions (what members
do), messages and model (the fake's world), traffic (recording), faults (429 / 5xx / closed socket).
"""

from .client import FastIdentifyMixin, point_discord_at, running
from .context import Interaction
from .faults import Fault
from .gateway import GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT, PRIVILEGED
from .messages import StoredMessage
from .model import Channel, Guild, Member, Perm, Role, User
from .server import FakeDiscord
from .traffic import GatewayFrame, RestCall

__all__ = [
    "FakeDiscord", "point_discord_at", "running", "FastIdentifyMixin", "Interaction", "Fault",
    "StoredMessage", "Channel", "Guild", "Member", "Perm", "Role", "User", "GatewayFrame", "RestCall",
    "GUILD_MEMBERS", "GUILD_PRESENCES", "MESSAGE_CONTENT", "PRIVILEGED",
]
