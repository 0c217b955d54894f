"""A local chat room: act as any member, move between the channel and debate threads, move the clock.

Room commands (everything else goes to the bot):
    /as NAME          speak as this member (moderators are listed in [console] moderators)
    /in #CHANNEL      go to a channel;  /in thread-N  go into a debate's thread
    /threads          list the threads the bot opened (and which are closed)
    /clock +30m       move time forward (s, m, h, d), firing every deadline passed on the way
    /quit             leave
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from adapters.console.chat import ConsoleChat, files_folder
from adapters.console.plain import to_text
from bot.platform import (Actor, Agenda, Core, Request, Settings, SpaceRef, clean, parse_duration,
                          slug)


class ConsoleRoom:
    def __init__(self, core: Core, settings: Settings, clock, write: Callable[[str], None] = print,
                 files_dir: Path | None = None):
        self.core, self.settings, self.clock, self.write = core, settings, clock, write
        self.chat = ConsoleChat(write, clock, files_dir or files_folder(settings))
        self.agenda = Agenda(core, self.chat, clock)
        self.member = "mod" if "mod" in settings.console.moderators else settings.console.moderators[0]
        self.channel = settings.console.channel
        self.thread: str | None = None
        self.space = SpaceRef("console", settings.console.space, "Console")

    @property
    def location(self) -> str:
        return f"#{self.channel}" + (f" › {self.thread}" if self.thread else "")

    async def start(self) -> None:
        await self.agenda.settle()  # deliver what a previous run left queued, fire what fell due meanwhile

    async def handle(self, line: str) -> bool:
        """Handle one typed line; False when the member asked to quit."""
        line = line.strip()
        if not line:
            return True
        room = await self._room_command(line)
        if room is not None:
            return room
        self.write(f"[{self.clock.now():%H:%M}] {self.location} {self.member}: {line}")
        actor = Actor(slug(self.member) or "member", self.member, self.member in self.settings.console.moderators)
        request = Request(self.space, actor, self.channel, self.thread)
        reply = await self.core.execute_text(request, line)
        who = "only you see this" if reply.ephemeral else "everyone sees this"
        self.write(f"    ↳ ({who}) " + to_text(reply.message).replace("\n", "\n      "))
        await self.agenda.settle()
        return True

    async def _room_command(self, line: str) -> bool | None:
        word, _, rest = line.partition(" ")
        rest = rest.strip()
        if word == "/quit":
            return False
        if word == "/as" and rest:
            self.member = clean(rest)[:32]
            self.write(f"(you are now {self.member})")
            return True
        if word == "/in" and rest:
            self._move(rest)
            return True
        if word == "/threads":
            self.write(self.chat.listing())
            return True
        if word == "/clock" and rest:
            try:
                await self.advance(parse_duration(rest.lstrip("+")))
            except ValueError as exc:
                self.write(f"({exc})")
            return True
        return None

    def _move(self, where: str) -> None:
        if where.startswith("#"):
            self.channel, self.thread = where[1:] or self.channel, None
        elif re.fullmatch(r"thread-\d+", where):
            self.thread = where
        else:
            self.write(f"(no such place {where!r}; try #{self.channel} or one of /threads)")
            return
        self.write(f"(you are in {self.location})")

    async def advance(self, delta: timedelta) -> None:
        """Move time in steps to each deadline on the way, so every event happens at its own time."""
        await self.agenda.advance(delta)
        self.write(f"(the clock is now {self.clock.now():%a %H:%M} UTC)")
