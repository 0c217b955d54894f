"""/forget-me and a moderator's /argument delete on Discord, end to end: the real discord.py client against
the fake Discord. A forgotten member's argument messages in the thread are edited to the removal note, and
no table, export or backup holds their text, id or name afterwards."""

from __future__ import annotations

from tests.discord_support import clock, fake  # noqa: F401 (pytest fixtures)
from tests.discord_support import Bot, answer, buttons, discord_settings, text_of, title_of
from tests.privacy_support import space_of, traces
from tests.test_discord_e2e import argue, argument_message, click, start_debate

ZOE_TEXTS = ("Quillfeather's ledger shows the compute threshold can be audited by anyone.",
             "Zephyrine inspections of data centres make a pause verifiable, not a promise.")
NOTE = "(removed at the author's request)"


async def test_forget_me_asks_first_then_edits_the_thread_and_leaves_no_trace(fake, sqlite_store, clock,
                                                                              tmp_path):
    zoe = fake.add_member("zoe-q")
    zoe.user.global_name = "Zoë Quillfeather"
    bob = fake.other_member
    async with Bot(fake, sqlite_store, clock, discord_settings(fake, moderator_roles=["Debate host"])) as bot:
        card, thread = await start_debate(fake, bot)
        await click(fake, card, "pause", zoe)
        await click(fake, card, "go faster", bob)
        await bot.advance(minutes=15)
        for text in ZOE_TEXTS:
            await argue(fake, thread, zoe, text, side="pause")
        await argue(fake, thread, bob, "A unilateral pause moves frontier work elsewhere.", side="go-faster")
        await bot.settle()
        await click(fake, argument_message(fake, thread, 3), "Agree", zoe)
        await click(fake, argument_message(fake, thread, 1), "Agree", bob)
        summary = await answer(fake, await fake.send_slash_command("steelman", {}, user=bob, channel=thread))
        [shown] = [m for m in fake.messages_in(thread) if "pause 4★" in buttons(m)]
        assert "You rated" in await click(fake, shown, "pause 4★", zoe)  # zoe rates her side's case
        assert ZOE_TEXTS[0] in summary.text

        # Without the confirmation nothing changes: a warning and a button.
        asked = await answer(fake, await fake.send_slash_command("forget-me", {}, user=zoe))
        assert asked.ephemeral and "cannot be undone" in asked.text
        [warning] = [m for m in fake.messages_in(fake.channel) if "Yes, forget me" in buttons(m)]
        await bot.settle()
        assert all(t in text_of(argument_message(fake, thread, n)) for n, t in enumerate(ZOE_TEXTS, 1))

        done = await click(fake, warning, "Yes, forget me", zoe)
        assert "you are forgotten" in done and "2 arguments replaced" in done
        await bot.settle()

        for number in (1, 2):  # her argument messages now show the note; their numbers stay
            message = argument_message(fake, thread, number)
            assert NOTE in text_of(message) and not any(t in text_of(message) for t in ZOE_TEXTS)
            assert "Zoë" not in text_of(message) and message.edited_at is not None
        assert "A unilateral pause" in text_of(argument_message(fake, thread, 3))  # bob's stays
        # Nothing else the bot posted in the thread still shows her words, except the steelman bob asked
        # for before (a published summary stays as published, as the results would).
        left = [m for m in fake.messages_in(thread) if not m.ephemeral and m.id != shown.id
                and any(t in text_of(m) for t in ZOE_TEXTS)]
        assert left == []

        space = await space_of(sqlite_store, "discord")
        needles = [*ZOE_TEXTS, str(zoe.id), "Zoë Quillfeather", "zoe-q"]
        assert await traces(sqlite_store, space, needles, tmp_path) == {}


async def test_a_moderator_deletes_one_argument_with_a_reason_edited_and_audited(fake, sqlite_store, clock):
    host = fake.add_role("Debate host", 0)
    maya = fake.add_member("maya-host", [host])
    async with Bot(fake, sqlite_store, clock, discord_settings(fake, moderator_roles=["Debate host"])) as bot:
        _, thread = await start_debate(fake, bot)
        await bot.advance(minutes=15)
        await argue(fake, thread, fake.member, "You are all idiots and the pause is obviously right.",
                    side="pause")
        await bot.settle()

        delete = {"debate": 1, "argument": 1, "reason": "personal attack"}
        refused = await answer(fake, await fake.send_slash_command("argument delete", delete,
                                                                   user=fake.other_member))
        assert refused.ephemeral and "moderator" in refused.text.lower()
        removed = await answer(fake, await fake.send_slash_command("argument delete", delete, user=maya))
        assert "Argument #1 of debate #1 is removed" in removed.text
        await bot.settle()

        message = argument_message(fake, thread, 1)
        assert "(removed by a moderator: personal attack)" in text_of(message)
        assert "idiots" not in text_of(message) and title_of(message).startswith("#1 ·")
        audit = await answer(fake, await fake.send_slash_command("audit", {}, user=maya))
        assert "argument delete · debate #1 · #1: personal attack" in audit.text
        again = await answer(fake, await fake.send_slash_command("argument delete", delete, user=maya))
        assert "already removed" in again.text
