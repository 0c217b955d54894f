"""The console's outbound side, a Platform like the others: prints what the bot posts, where it posts it;
writes a message's files under a folder and shows their paths; shows a closed thread as closed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from adapters.console.plain import one_line, to_text
from bot.platform import OutboxItem, Receipt, Settings

SQLITE_FILE = "sqlite:///"


def beside_store(settings: Settings, name: str) -> Path:
    """Beside the store when it is a SQLite file (the console's files, history and room go with its
    database), else under data/."""
    url = settings.storage.url
    if url.startswith(SQLITE_FILE) and url != SQLITE_FILE + ":memory:":
        return Path(url[len(SQLITE_FILE):]).parent / name
    return Path("data") / name


def files_folder(settings: Settings) -> Path:
    return beside_store(settings, "console-files")


class ConsoleChat:
    name = "console"

    def __init__(self, write: Callable[[str], None], clock, files_dir: Path, ansi: bool = False):
        self.write = write
        self.clock = clock
        self.files_dir = files_dir
        self.ansi = ansi  # a terminal: bold as bold; else plain words
        self.threads: dict[str, str] = {}  # thread id -> name
        self.closed: set[str] = set()

    def neutralise(self, text: str) -> str:
        return text  # a terminal has no mentions or links to fire: members' text is shown as typed

    async def run(self) -> None:
        """Nothing to connect to: the room reads the terminal and delivers after each line."""

    async def stop(self) -> None:
        """Nothing to close."""

    async def deliver(self, item: OutboxItem) -> Receipt:
        out = item.out
        stamp = self.clock.now().strftime("%H:%M")
        if item.edit_message_id:
            self.write(f"[{stamp}] #{out.channel_id} ✎ card updated: {one_line(out.message, self.ansi)}")
            return Receipt(item.edit_message_id)
        message_id = f"m{item.id}"  # the outbox id: unique, and the same after a restart
        if out.direct_to:  # only that member would see it: shown as a direct message to them
            text = _indent(to_text(out.message))
            self.write(f"[{stamp}] ✉ direct message to {out.direct_to} — Steelman:\n{text}")
            for path in self._save_files(item):
                self.write(f"    📎 {path}")
            return Receipt(message_id)
        where = f"#{out.channel_id}"
        if out.in_thread and item.thread_id:
            where = f"#{out.channel_id} › {item.thread_id}"
        self.write(f"[{stamp}] {where} — Steelman:\n{_indent(to_text(out.message, self.ansi))}")
        for path in self._save_files(item):
            self.write(f"    📎 {path}")
        thread_id = None
        if out.open_thread:
            thread_id = f"thread-{out.debate_id}"
            self.threads[thread_id] = out.open_thread
            self.write(f"[{stamp}] #{out.channel_id}: thread {thread_id} opened: “{out.open_thread}”")
        if out.close_thread and item.thread_id:
            self.closed.add(item.thread_id)
            self.write(f"[{stamp}] #{out.channel_id}: thread {item.thread_id} closed")
        return Receipt(message_id, thread_id)

    def _save_files(self, item: OutboxItem) -> list[Path]:
        """Each file under the folder, prefixed by its message (two exports never overwrite each other)."""
        saved = []
        for f in item.out.message.files:
            path = self.files_dir / f"m{item.id}-{Path(f.name).name}"  # no folder from the name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(f.data)
            saved.append(path.resolve())
        return saved

    def listing(self) -> str:
        """The threads the bot opened, for /threads."""
        lines = [f"{k}: {v}" + (" (closed)" if k in self.closed else "") for k, v in self.threads.items()]
        return "\n".join(lines) or "(no threads yet)"


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())
