"""The console's terminal: line editing and history with the standard library's readline (when the input
is a terminal), the prompt, and leaving at once on Ctrl-C or Ctrl-D.

Lines are read in the main thread between runs of the event loop (nothing runs in the room between
lines: its clock moves only when told), so Ctrl-C interrupts `input()` at once, and readline puts the
terminal back as it found it."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path

from adapters.console.room import ConsoleRoom

HISTORY_LINES = 1000
INTERRUPTED = 130  # what a shell reports for a program left by Ctrl-C (128 + SIGINT)


@contextlib.contextmanager
def line_editing(history: Path | None) -> Iterator[None]:
    """readline with the history kept in `history` across runs; nothing when the input is not a
    terminal (a pipe, a script) or readline is not there (Windows without pyreadline)."""
    if history is None or not sys.stdin.isatty():
        yield
        return
    try:
        import readline
    except ImportError:
        yield
        return
    readline.set_history_length(HISTORY_LINES)
    with contextlib.suppress(OSError):
        readline.read_history_file(history)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            history.parent.mkdir(parents=True, exist_ok=True)
            readline.write_history_file(history)


def run(open_room: Callable[[], AbstractAsyncContextManager[ConsoleRoom]], history: Path | None) -> int:
    """Read lines until /quit, Ctrl-D (exit 0) or Ctrl-C (exit 130), then close the room's store."""
    with asyncio.Runner() as runner:
        opened = open_room()
        room = runner.run(opened.__aenter__())
        code = 0
        try:
            with line_editing(history):
                print(f"Steelman console. You are {room.member} in {room.location}, "
                      f"{room.clock.now():%a %d %b %H:%M} UTC. Type /help, or /quit to leave.", flush=True)
                while True:
                    try:
                        line = input(f"{room.member} @ {room.location}> ")
                    except EOFError:
                        print()
                        break
                    if not runner.run(room.handle(line)):
                        break
        except KeyboardInterrupt:
            print("\n(left with Ctrl-C)", flush=True)
            code = INTERRUPTED
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # closing the store is quick: let it finish
            try:
                runner.run(opened.__aexit__(None, None, None))
            finally:
                signal.signal(signal.SIGINT, signal.default_int_handler)
        return code
