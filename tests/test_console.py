"""The console adapter: a debate typed into the local chat room, against the real store."""

import os
import select
import subprocess
import sys
import time
from pathlib import Path

from adapters.console.demo import DEMO, SCRIPT, play
from adapters.console.room import ConsoleRoom
from bot import bootstrap
from bot.clock import ManualClock
from bot.config import Settings

ROOT = Path(__file__).resolve().parents[1]


def console(store, lines: list[str], ansi: bool = False) -> ConsoleRoom:
    settings = Settings.model_validate({"console": {"moderators": ["Maya"]}})
    clock = ManualClock()
    return ConsoleRoom(bootstrap.build(settings, clock, store), settings, clock, lines.append,
                       **({"ansi": True} if ansi else {}))


def typed(db: Path, lines: list[str], timeout: float = 60) -> subprocess.CompletedProcess:
    """`python -m bot console` on the SQLite file `db`, with these lines piped in (not a terminal)."""
    env = os.environ | {"STEELMAN__STORAGE__URL": f"sqlite:///{db}",
                        "STEELMAN__CONSOLE__MODERATORS": '["Maya"]'}
    return subprocess.run([sys.executable, "-m", "bot", "console"], cwd=ROOT, env=env, timeout=timeout,
                          input="\n".join(lines) + "\n", capture_output=True, text=True)


async def test_console_transcript_of_a_whole_debate(store):
    lines: list[str] = []
    room = console(store, lines)
    await play(room, DEMO)  # the whole demo
    transcript = "\n".join(lines)
    # members see where things happen: the card in the channel, everything else in the thread
    assert "#ai-policy — Steelman:\n    【Debate #1: Frontier AI labs should pause" in transcript
    assert "#ai-policy: thread thread-1 opened" in transcript
    for phase in ("pre-vote", "opening", "rebuttal", "closing"):
        assert f"#ai-policy › thread-1 — Steelman:\n    【Debate #1: {phase}】" in transcript
    assert "Debate #1 has no side 'accelerate'. Its sides: pause, slow-down, go-faster, undecided." in transcript
    assert "/debate next is for moderators only." in transcript
    # a terminal has no mentions: the member's text is shown as typed, and counted as typed
    assert "【#7 · slow down】\n    @everyone read this: prioritise evaluations" in transcript
    assert "\u200b" not in transcript
    # the closing notice closes the thread, and the room says so
    assert transcript.index("This debate is closed.") < transcript.index("thread thread-1 closed")
    results = transcript[transcript.index("【Results of debate #1"):]
    assert "wins." in results and "Who moved:" in results
    for side in ("pause", "slow down", "go faster"):
        assert f"The case for {side}:\n        #" in results
    assert transcript.count("【Debate #1: opening】") == 1
    # Dara asked (/remind me) for a direct message when the post-vote opens: shown as one, to Dara only
    assert "I will send you a direct message once when the post-vote of debate #1 opens" in transcript
    assert transcript.count("✉ direct message to dara — Steelman:") == 1
    dm = transcript[transcript.index("✉ direct message to dara"):]
    assert dm.index("【Debate #1: the post-vote is open】") < dm.index("\n[")
    assert transcript.index("【Debate #1: post-vote】") < transcript.index("✉ direct message to dara")
    # the short oxford-itt debate: a Turing test round, restatements, votes hidden until close
    itt = transcript[transcript.index("format:oxford-itt voting:hidden"):]
    assert "【ITT entry #1 · the case for govern compute】" in itt and "You hold no side in debate #4" in itt
    assert "Restating #1 (its author: “that's my point”)" in itt
    assert "govern compute 2" not in itt[:itt.index("【Results of debate #4")]  # hidden until close
    assert "1 of 1 judged entry passed (100% pass rate).\n        Passed: Femi (#3)" in itt


async def test_room_commands(sqlite_store):
    lines: list[str] = []
    room = console(sqlite_store, lines)
    assert await room.handle("/as Ada")
    assert await room.handle("/in nowhere")
    assert await room.handle("/clock +soon")
    assert not await room.handle("/quit")
    assert lines == ["(you are now Ada)", "(no such place 'nowhere'; try #ai-policy or one of /threads)",
                     "('soon' is not a duration: use a number and a unit, like 90s, 30m, 2h or 1d)"]


def test_demo_command_prints_results_and_every_steelman(tmp_path):
    db = tmp_path / "demo.db"
    done = subprocess.run([sys.executable, "-m", "bot", "demo", "--db", str(db)], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "【Results of debate #1" in out and "wins." in out
    for side in ("pause", "slow down", "go faster"):
        assert f"The case for {side}:" in out
    assert str(db.resolve()) in out and db.exists()


def test_reopening_the_console_keeps_its_clock_and_its_threads(tmp_path):
    """The room's time is its own: reopened, it goes on from where it was left, not from the real time, so
    a round that was about to end does end; and /threads still knows the threads."""
    db = tmp_path / "room.db"
    first = typed(db, ["/as Maya", '/debate start motion:"Frontier labs should pause" sides:"pause, go"',
                       "/clock +20m", "/quit"])  # the opening round runs until 1h15m after the start
    assert first.returncode == 0, first.stderr
    assert "【Debate #1: opening】" in first.stdout
    left_at = first.stdout.rsplit("(the clock is now ", 1)[1].split(" UTC")[0]
    again = typed(db, ["/threads", "/clock", "/clock +1h"])
    assert again.returncode == 0, again.stderr
    assert "thread-1: Debate #1: Frontier labs should pause" in again.stdout
    assert "(no threads yet)" not in again.stdout
    assert f"You are Maya in #ai-policy, {left_at[:3]}" in again.stdout
    assert f"(the clock is {left_at[:3]}" in again.stdout and left_at[-5:] + " UTC" in again.stdout
    assert "【Debate #1: rebuttal】" in again.stdout  # 20 min + 1 h: the opening round is over


def test_a_chat_line_is_a_chat_line_and_the_help_lists_the_rooms_commands(tmp_path):
    done = typed(tmp_path / "room.db", ["hello everyone, shall we start?", "/help", "/help clock"])
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "#ai-policy Maya: hello everyone, shall we start?" in out
    assert "There is no command" not in out
    help_text = out[out.index("【Steelman help】"):]
    assert "`/debate start`" in help_text  # the bot's commands, and the room's own after them
    for room_command in ("/as NAME", "/in #CHANNEL", "/threads", "/clock +30m", "/quit"):
        assert room_command in help_text
    assert "A command of this room:\n  /clock +30m" in out


async def test_bold_is_shown_as_a_terminal_shows_it_never_as_asterisks(sqlite_store):
    plain: list[str] = []
    await play(console(sqlite_store, plain), SCRIPT[:40])
    transcript = "\n".join(plain)
    assert "The opening round has begun" in transcript  # the core wrote "The **opening** round"
    assert "**" not in transcript and "\x1b[" not in transcript  # not a terminal: the plain words


async def test_bold_on_a_terminal_is_ansi_bold(store):
    lines: list[str] = []
    await play(console(store, lines, ansi=True), SCRIPT[:40])
    transcript = "\n".join(lines)
    assert "The \x1b[1mopening\x1b[22m round has begun" in transcript
    assert "**" not in transcript


# The child runs in a session of its own (start_new_session) and takes the pty as its controlling
# terminal, so Ctrl-C there is SIGINT to it. It does so once started, in its own interpreter: Python code
# run between fork and exec (a preexec_fn) may deadlock while the test process has threads.
IN_OWN_TERMINAL = ("import fcntl, runpy, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
                   "target = sys.argv.pop(1); run = runpy.run_path if target.endswith('.py') else "
                   "runpy.run_module; run(target, run_name='__main__')")


class Terminal:
    """`python -m bot console` in a pseudo-terminal, as a member types into it."""

    def __init__(self, db: Path, program: tuple[str, ...] = ("bot", "console")):
        """`program`: a module and its arguments (as for `python -m`), or a script's path."""
        env = os.environ | {"STEELMAN__STORAGE__URL": f"sqlite:///{db}", "TERM": "xterm",
                            "STEELMAN__CONSOLE__MODERATORS": '["Maya"]', "PYTHONPATH": str(ROOT)}
        self.master, slave = os.openpty()
        self.proc = subprocess.Popen([sys.executable, "-c", IN_OWN_TERMINAL, *program], cwd=db.parent,
                                     env=env, stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
        os.close(slave)
        self.seen = b""

    def expect(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text.encode() not in self.seen:
            left = deadline - time.monotonic()
            shown = self.seen.decode(errors="replace")
            assert left > 0, f"no {text!r} within {timeout}s; the terminal showed:\n{shown}"
            if select.select([self.master], [], [], left)[0]:
                try:
                    self.seen += os.read(self.master, 65536)
                except OSError:  # the other side closed
                    break

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def wait(self, timeout: float = 10) -> int:
        try:
            code = self.proc.wait(timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
        while select.select([self.master], [], [], 0.2)[0]:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                break
            if not chunk:
                break
            self.seen += chunk
        os.close(self.master)
        return code


def test_the_terminal_has_history_and_ctrl_c_leaves_at_once(tmp_path):
    db = tmp_path / "room.db"
    first = Terminal(db)
    first.expect("Type /help")
    first.expect("> ")
    first.type("/as Bo\r")
    first.expect("(you are now Bo)")
    first.expect("Bo @ #ai-policy> ")
    first.type("\x03")  # Ctrl-C at the prompt: gone at once, cleanly
    started = time.monotonic()
    assert first.wait(20) in (0, 130), first.seen.decode(errors="replace")
    assert time.monotonic() - started < 20
    assert b"Traceback" not in first.seen, first.seen.decode(errors="replace")
    assert "/as Bo" in (tmp_path / "console-history").read_text()
    second = Terminal(db)
    second.expect("Bo @ #ai-policy> ")
    second.type("/as Ada\r")
    second.expect("Ada @ #ai-policy> ")
    second.type("\x1b[A\x1b[A\r")  # up twice: the line typed in the first run
    second.expect("(you are now Bo)")
    second.type("/quit\r")
    assert second.wait(20) == 0, second.seen.decode(errors="replace")



# Ctrl-C at any moment around the prompt, each time it is drawn: a thread signals the process as soon as
# the next prompt is asked for, so some land just before readline waits for a key (python/cpython#112585).
CTRL_C_AROUND_THE_PROMPT = """
import os, signal, threading
from pathlib import Path
from adapters.console.terminal import ctrl_c_at_once, line_editing
asked = [0]
def press():
    seen = 0
    while True:
        if asked[0] != seen:
            seen = asked[0]
            os.kill(os.getpid(), signal.SIGINT)
threading.Thread(target=press, daemon=True).start()
with line_editing(Path("history")) as editing, ctrl_c_at_once(editing):
    while asked[0] < 300:
        try:
            asked[0] += 1
            input("> ")
        except KeyboardInterrupt:
            pass
print("line editing:", editing, "- left", asked[0], "prompts", flush=True)
"""


def test_a_ctrl_c_that_lands_as_the_prompt_is_drawn_still_leaves_it_at_once(tmp_path):
    script = tmp_path / "around.py"
    script.write_text(CTRL_C_AROUND_THE_PROMPT)
    terminal = Terminal(tmp_path / "room.db", (str(script),))
    terminal.expect("line editing: True - left 300 prompts", timeout=60)  # each one left, none waits for a key
    assert terminal.wait(20) == 0, terminal.seen.decode(errors="replace")
