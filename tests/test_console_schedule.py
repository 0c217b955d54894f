"""The console room shows a schedule at work: /schedule add, then /clock +7d starts the debate."""

from adapters.console.demo import SCRIPT, play
from tests.test_console import console


async def test_a_scheduled_debate_starts_in_the_console_when_the_clock_passes_its_time(store):
    lines: list[str] = []
    room = console(store, lines)
    await play(
        room,
        (
            "/as Maya",
            '/schedule add when:"every friday 18:00" zone:Europe/Berlin '
            'motion:"Evaluations should be published before deployment" format:quick',
        ),
    )
    assert "Next: Fri 27 Nov 18:00 CET (17:00 UTC)" in "\n".join(lines)
    await room.handle("/clock +7d")
    transcript = "\n".join(lines)
    assert (
        "[17:00] #ai-policy — Steelman:\n    【Debate #1: Evaluations should be published before deployment】"
        in transcript
    )
    assert "#ai-policy: thread thread-1 opened" in transcript


async def test_the_demo_ends_with_the_top_motion_debated_on_schedule(sqlite_store):
    lines: list[str] = []
    await play(console(sqlite_store, lines), SCRIPT)
    transcript = "\n".join(lines)
    assert "That is nearly motion #1, already in the queue" in transcript
    assert "You can't upvote your own motion." in transcript
    assert (
        "[17:00] #ai-policy — Steelman:\n    【Debate #2: Frontier labs should publish their evaluation"
        in transcript
    )  # motion #2 had the most upvotes
