"""The console's terminal: line editing and history with the standard library's readline (when the input
is a terminal), the prompt, and leaving at once on Ctrl-C or Ctrl-D.

Lines are read in the main thread between runs of the event loop (nothing runs in the room between
lines: its clock moves only when told), so Ctrl-C interrupts `input()` at once, and readline puts the
terminal back as it found it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path

from adapters.console.room import ConsoleRoom

HISTORY_LINES = 1000
INTERRUPTED = 130  # what a shell reports for a program left by Ctrl-C (128 + SIGINT)


@contextlib.contextmanager
def line_editing(history: Path | None) -> Iterator[bool]:
    """readline with the history kept in `history` across runs (True); nothing (False) when the input
    is not a terminal (a pipe, a script) or readline is not there (Windows without pyreadline)."""
    if history is None or not sys.stdin.isatty():
        yield False
        return
    try:
        import readline
    except ImportError:
        yield False
        return
    readline.set_history_length(HISTORY_LINES)
    with contextlib.suppress(OSError):
        readline.read_history_file(history)
    try:
        yield True
    finally:
        with contextlib.suppress(OSError):
            history.parent.mkdir(parents=True, exist_ok=True)
            readline.write_history_file(history)


_CLOSING = 0  # no signal has the number 0: the watcher's cue to end
_NUDGING, _NUDGE_EVERY = 0.5, 0.02  # seconds


class _Nudges:
    """Makes a Ctrl-C interrupt readline's `input()` at once. CPython's readline waits for a key in
    select() and looks at signals only when that wait is interrupted: a Ctrl-C that lands just before it
    (as the prompt is drawn) waits for the next key (python/cpython#112585). Every signal also writes its
    number to a wakeup pipe; a thread reading it nudges the main thread with SIGUSR1 (whose handler does
    nothing) for a moment after each Ctrl-C, so the wait is interrupted and the pending Ctrl-C raised."""

    def __init__(self) -> None:
        self.read_end, self.write_end = os.pipe()
        os.set_blocking(self.write_end, False)
        self.previous_fd = signal.set_wakeup_fd(self.write_end, warn_on_full_buffer=False)
        self.previous_usr1 = signal.signal(signal.SIGUSR1, lambda *_: None)
        self.main = threading.main_thread().ident
        self.watcher = threading.Thread(target=self._watch, name="ctrl-c", daemon=True)
        self.watcher.start()

    def _watch(self) -> None:
        """Nudge the main thread every 20 ms until half a second after the last Ctrl-C (a nudge costs
        nothing, wherever it lands), reading what the pipe holds meanwhile."""
        until = 0.0
        while True:
            wait = max(0.0, until - time.monotonic())
            if select.select([self.read_end], [], [], wait if until else None)[0]:
                got = os.read(self.read_end, 4096)
                if not got or _CLOSING in got:
                    return
                if signal.SIGINT in got:
                    until = time.monotonic() + _NUDGING
            if time.monotonic() < until:
                signal.pthread_kill(self.main, signal.SIGUSR1)
                time.sleep(_NUDGE_EVERY)
            else:
                until = 0.0

    def close(self) -> None:
        signal.set_wakeup_fd(self.previous_fd)
        os.write(self.write_end, bytes([_CLOSING]))
        self.watcher.join(1)
        if not self.watcher.is_alive():  # else its nudges must stay harmless: SIGUSR1 would end us
            signal.signal(signal.SIGUSR1, self.previous_usr1)
            os.close(self.read_end)
            os.close(self.write_end)


@contextlib.contextmanager
def ctrl_c_at_once(editing: bool) -> Iterator[None]:
    """While reading lines with readline (`editing`), a Ctrl-C always interrupts the prompt at once."""
    if not editing or not hasattr(signal, "pthread_kill"):
        yield
        return
    nudges = _Nudges()
    try:
        yield
    finally:
        nudges.close()


def run(open_room: Callable[[], AbstractAsyncContextManager[ConsoleRoom]], history: Path | None) -> int:
    """Read lines until /quit, Ctrl-D (exit 0) or Ctrl-C (exit 130), then close the room's store."""
    with asyncio.Runner() as runner:
        opened = open_room()
        room = runner.run(opened.__aenter__())
        code = 0
        try:
            with line_editing(history) as editing, ctrl_c_at_once(editing):
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
