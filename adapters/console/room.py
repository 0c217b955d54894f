"""A local chat room: act as any member, move between the channel and debate threads, move the clock.

A line that does not start with / is a chat line, posted where you are. The room keeps its clock, its
threads and where you were in a small file beside the database, so reopening it finds them again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from adapters.console.chat import ConsoleChat, files_folder
from adapters.console.plain import to_text
from bot.platform import (Actor, Agenda, Core, Request, Settings, SpaceRef, clean, parse_duration,
                          slug)

ROOM_COMMANDS = (
    ("/as NAME", "speak as this member (moderators are listed in [console] moderators)"),
    ("/in #CHANNEL", "go to a channel; /in thread-N goes into a debate's thread"),
    ("/threads", "list the threads the bot opened (and which are closed)"),
    ("/clock +30m", "move time forward (s, m, h, d), firing every deadline passed on the way"),
    ("/quit", "leave (Ctrl-C or Ctrl-D too)"),
)
ROOM_WORDS = {usage.split()[0] for usage, _ in ROOM_COMMANDS}


def room_help(only: str | None = None) -> str:
    rows = [(u, d) for u, d in ROOM_COMMANDS if only is None or u.split()[0] == only]
    width = max(len(u) for u, _ in rows)
    lines = [f"  {u.ljust(width)}  {d}" for u, d in rows]
    head = "This room's own commands (the console only):" if only is None else "A command of this room:"
    return "\n".join([head, *lines, *(["A line without / is a chat line, posted where you are."]
                                     if only is None else [])])


class ConsoleRoom:
    def __init__(self, core: Core, settings: Settings, clock, write: Callable[[str], None] = print,
                 files_dir: Path | None = None, state: Path | None = None, ansi: bool = False):
        """`state`: the file that keeps the room between runs (None: nothing kept, as in the demo);
        `ansi`: the output is a terminal, so emphasis is shown as bold."""
        self.core, self.settings, self.clock, self.write = core, settings, clock, write
        self.ansi = ansi
        self.chat = ConsoleChat(write, clock, files_dir or files_folder(settings), ansi)
        self.agenda = Agenda(core, self.chat, clock)
        self.member = "mod" if "mod" in settings.console.moderators else settings.console.moderators[0]
        self.channel = settings.console.channel
        self.thread: str | None = None
        self.space = SpaceRef("console", settings.console.space, "Console")
        self.state = state
        self._load()

    @property
    def location(self) -> str:
        return f"#{self.channel}" + (f" › {self.thread}" if self.thread else "")

    async def start(self) -> None:
        await self.agenda.settle()  # deliver what a previous run left queued, fire what fell due meanwhile
        self._save()

    async def handle(self, line: str) -> bool:
        """Handle one typed line; False when the member asked to quit."""
        line = line.strip()
        if not line:
            return True
        try:
            return await self._handle(line)
        finally:
            self._save()  # after every line: a room left by Ctrl-C or a crash is found as it was

    async def _handle(self, line: str) -> bool:
        room = await self._room_command(line)
        if room is not None:
            return room
        self.write(f"[{self.clock.now():%H:%M}] {self.location} {self.member}: {line}")
        if not line.startswith("/"):
            return True  # a chat line: members talk; the bot answers commands
        moderator = self.member in self.settings.console.moderators
        actor = Actor(slug(self.member) or "member", self.member, moderator)
        request = Request(self.space, actor, self.channel, self.thread)
        reply = await self.core.execute_text(request, line)
        who = "only you see this" if reply.ephemeral else "everyone sees this"
        self.write(f"    ↳ ({who}) " + to_text(reply.message, self.ansi).replace("\n", "\n      "))
        if line.split()[0] == "/help" and len(line.split()) == 1:
            self.write("      " + room_help().replace("\n", "\n      "))
        await self.agenda.settle()
        return True

    async def _room_command(self, line: str) -> bool | None:
        word, _, rest = line.partition(" ")
        rest = rest.strip()
        if word == "/quit":
            return False
        if word == "/help" and "/" + rest.removeprefix("/") in ROOM_WORDS:
            self.write(room_help("/" + rest.removeprefix("/")))
            return True
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
        if word == "/clock":
            if not rest:
                self.write(f"(the clock is {self.clock.now():%a %d %b %H:%M} UTC; /clock +30m moves it on)")
                return True
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

    # -- what the room keeps between runs ----------------------------------------------------------

    def _load(self) -> None:
        if self.state is None or not self.state.exists():
            return
        try:
            kept = json.loads(self.state.read_text(encoding="utf-8"))
            clock = datetime.fromisoformat(kept["clock"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            self.write(f"(the room kept in {self.state} could not be read, so it starts afresh: {exc})")
            return
        if clock.tzinfo is not None:
            self.clock.set(clock)  # the room's own time, as it was left: never back to the real time
        self.chat.threads = {str(k): str(v) for k, v in kept.get("threads", {}).items()}
        self.chat.closed = {str(t) for t in kept.get("closed", [])}
        self.member = str(kept.get("member") or self.member)
        self.channel = str(kept.get("channel") or self.channel)
        self.thread = kept.get("thread") or None

    def _save(self) -> None:
        if self.state is None:
            return
        kept = {"clock": self.clock.now().isoformat(), "threads": self.chat.threads,
                "closed": sorted(self.chat.closed), "member": self.member, "channel": self.channel,
                "thread": self.thread}
        self.state.parent.mkdir(parents=True, exist_ok=True)
        partial = self.state.with_name(self.state.name + ".tmp")
        partial.write_text(json.dumps(kept, ensure_ascii=False, indent=1), encoding="utf-8")
        partial.replace(self.state)  # whole or not at all
