"""The harness shipped in bot/testing.py drives a whole debate on a real SQLite file, as a plugin user would."""

from bot.testing import sqlite_harness


async def test_the_shipped_harness_runs_a_debate_and_reads_what_was_posted(tmp_path):
    async with sqlite_harness(tmp_path) as h:
        number, thread = await h.start_debate()
        reply = await h.say("ada", "/position side:pause confidence:80", thread=thread)
        assert reply.message.text.startswith("Recorded: you stand with pause (80% sure)")
        await h.advance(minutes=15)  # the pre-vote ends, the opening round is announced
        assert any("opening" in title.lower() for title in h.chat.titles())
        assert h.chat.titles("card") == [f"Debate #{number}: Frontier AI labs should pause training runs above 10^26 FLOP"]
    assert (tmp_path / "steelman.db").exists()
