"""/forget-me and a moderator's /argument delete on Slack, end to end: the real slack-bolt app against the
fake Slack. A forgotten member's argument messages in the thread are edited to the removal note, and no
table, export or backup holds their text, id or name afterwards."""

from __future__ import annotations

from tests.privacy_support import space_of, traces
from tests.slack_support import (BOB, CHANNEL, MAYA, Bot, argument_ts, click, command, posts, slack_settings,
                                 start_debate, text_of)
from tests.slack_support import clock, fake  # noqa: F401  (fixtures)

ZOE = "U0ZOEQ0001"
ZOE_TEXTS = ("Quillfeather's ledger shows the compute threshold can be audited by anyone.",
             "Zephyrine inspections of data centres make a pause verifiable, not a promise.")
NOTE = "(removed at the author's request)"


def _button(body: dict, label: str) -> tuple[str, str]:
    """(action_id, value) of the button labelled `label` in an answer's blocks."""
    for block in body.get("blocks") or []:
        for e in block.get("elements") or []:
            if e.get("type") == "button" and e["text"]["text"] == label:
                return e["action_id"], e["value"]
    raise AssertionError(f"no button {label!r} in {body}")


async def test_forget_me_asks_first_then_edits_the_thread_and_leaves_no_trace(fake, sqlite_store, clock,
                                                                              tmp_path):
    fake.add_user(ZOE, "zoe.q", real_name="Zoë Quillfeather")
    async with Bot(fake, sqlite_store, clock, slack_settings("socket")) as bot:
        card = await start_debate(fake, bot)
        await click(fake, card, "pause", ZOE)
        await bot.advance(minutes=15)
        for text in ZOE_TEXTS:
            assert "Argument #" in await command(fake, "/argue", f"debate:1 side:pause {text}", ZOE)
        await command(fake, "/argue", "debate:1 side:go-faster A unilateral pause moves work elsewhere.", BOB)
        await bot.settle()
        assert "You agree with #3" in await click(fake, argument_ts(fake, card, 3), "Agree", ZOE)
        assert "You agree with #1" in await click(fake, argument_ts(fake, card, 1), "Agree", BOB)

        # Without the confirmation nothing changes: a warning, only to her, with a button.
        since = len(fake.traffic.responses.items)
        delivery = await fake.slash_command("/forget-me", "", user=ZOE, channel=CHANNEL)
        assert delivery.acked_in_time
        warning = (await fake.wait_for_response(since=since, timeout=5.0)).body
        assert "cannot be undone" in text_of(warning) and warning.get("response_type") != "in_channel"
        await bot.settle()
        assert ZOE_TEXTS[0] in text_of(fake.world.channels[CHANNEL].find(argument_ts(fake, card, 1)))

        action, value = _button(warning, "Yes, forget me")
        since = len(fake.traffic.responses.items)
        clicked = await fake.click_button(action, value, user=ZOE, channel=CHANNEL, ephemeral=True)
        assert clicked.acked_in_time
        done = text_of((await fake.wait_for_response(since=since, timeout=5.0)).body)
        assert "you are forgotten" in done and "2 arguments replaced" in done
        await bot.settle()

        for number in (1, 2):  # her argument messages now show the note; their numbers stay
            shown = text_of(fake.world.channels[CHANNEL].find(argument_ts(fake, card, number)))
            assert NOTE in shown and not any(t in shown for t in ZOE_TEXTS) and "Zoë" not in shown
        bobs = fake.world.channels[CHANNEL].find(argument_ts(fake, card, 3))
        assert "moves work elsewhere" in text_of(bobs)
        assert [m.ts for m in posts(fake, card) if any(t in text_of(m) for t in ZOE_TEXTS)] == []
        updates = [c for c in fake.calls("chat.update") if NOTE in text_of(c.params)]
        assert len(updates) == 2 and all(c.ok for c in updates)

        space = await space_of(sqlite_store, "slack")
        needles = [*ZOE_TEXTS, ZOE, "Zoë Quillfeather", "zoe.q"]
        assert await traces(sqlite_store, space, needles, tmp_path) == {}


async def test_a_moderator_deletes_one_argument_with_a_reason_edited_and_audited(fake, sqlite_store, clock):
    async with Bot(fake, sqlite_store, clock, slack_settings("socket")) as bot:
        card = await start_debate(fake, bot)
        await bot.advance(minutes=15)
        await command(fake, "/argue", "debate:1 side:pause You are all idiots and the pause is right.", BOB)
        await bot.settle()

        delete = 'delete debate:1 argument:1 reason:"personal attack"'
        assert "moderator" in (await command(fake, "/argument", delete, BOB)).lower()
        removed = await command(fake, "/argument", delete, MAYA)
        assert "Argument #1 of debate #1 is removed" in removed
        await bot.settle()
        shown = text_of(fake.world.channels[CHANNEL].find(argument_ts(fake, card, 1)))
        assert "(removed by a moderator: personal attack)" in shown and "idiots" not in shown
        assert "argument delete · debate #1 · #1: personal attack" in await command(fake, "/audit", "", MAYA)
