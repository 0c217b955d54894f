"""The console adapter: a debate typed into the local chat room, against the real store."""

import subprocess
import sys
from pathlib import Path

from adapters.console.demo import SCRIPT, play
from adapters.console.room import ConsoleRoom
from bot import bootstrap
from bot.clock import ManualClock
from bot.config import Settings

ROOT = Path(__file__).resolve().parents[1]


def console(store, lines: list[str]) -> ConsoleRoom:
    settings = Settings.model_validate({"console": {"moderators": ["Maya"]}})
    clock = ManualClock()
    return ConsoleRoom(bootstrap.build(settings, clock, store), settings, clock, lines.append)


async def test_console_transcript_of_a_whole_debate(store):
    lines: list[str] = []
    room = console(store, lines)
    await play(room)  # the whole demo
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
    # the short oxford-itt debate: a Turing test round, restatements, votes hidden until close
    itt = transcript[transcript.index("format:oxford-itt voting:hidden"):]
    assert "【ITT entry #1 · the case for govern compute】" in itt and "You hold no side in debate #3" in itt
    assert "Restating #1 (its author: “that's my point”)" in itt
    assert "govern compute 2" not in itt[:itt.index("【Results of debate #3")]  # hidden until close
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
