"""Links, mentions and names in member text (issue 19, items 10-12), through the real discord.py and
slack-bolt against the strict fakes. A link is shown as its plain address, never behind other words, and
never unfurls; no mention syntax renders live; display names are cleaned wherever they are repeated. The
fakes' fixtures check everything the bot sent (`live_syntax` for Discord, `live_links` and BROADCAST for
Slack); these tests also check the text is still there to read."""

from __future__ import annotations

from tests.discord_support import clock, fake  # noqa: F401 (pytest fixtures)
from tests.discord_support import Bot, answer, discord_settings, live_syntax, text_of, title_of

HOSTILE = ("[Official results](https://evil.example/login) see https://evil.example/a?b=1 "
           "@everyone123 @here_now @eve\x00ryone </debate start:1234567890> <id:customize> "
           "<t:1700000000:R> <@&1> \u202eevil\u202c")
NAME = "[Moderator](https://evil.example/x) \u202eadmin\u202c"


async def test_discord_member_text_and_names_render_inert_everywhere(fake, sqlite_store, clock):
    fake.member.nick = NAME
    settings = discord_settings(fake)
    async with Bot(fake, sqlite_store, clock, settings) as bot:
        started = await answer(fake, await fake.send_slash_command(
            "debate start", {"motion": "Compute governance is safer https://evil.example/m",
                             "sides": "pause, go", "format": "quick"}, user=fake.moderator))
        assert "has started" in started.text
        await bot.settle()
        [thread] = fake.threads()
        await bot.advance(minutes=5)
        posted = await answer(fake, await fake.send_slash_command(
            "argue", {"text": "Compute can be inspected. " + HOSTILE, "side": "pause"}, user=fake.member,
            channel=thread))
        assert "is posted" in posted.text
        # an error that echoes what was typed: cleaned too
        refused = await answer(fake, await fake.send_slash_command(
            "position", {"side": "\u202eevil @everyone https://evil.example"}, user=fake.member,
            channel=thread))
        assert refused.ephemeral and "\u202e" not in refused.text
        await bot.settle()
        steelman = await answer(fake, await fake.send_slash_command("steelman", {}, user=fake.member,
                                                                    channel=thread))
        assert not steelman.ephemeral
        await bot.advance(minutes=30)  # results, steelman, closing notice
        argument = next(m for m in fake.messages_in(thread) if title_of(m).startswith("#1 ·"))
        shown = text_of(fake.message_payload(argument))
        # the address is there to read, as itself, and the masked link's words do not hide it
        assert "<https://evil.example/login>" in shown and "<https://evil.example/a?b=1>" in shown
        assert "Moderator" in shown and "admin" in shown and "\u202e" not in shown
        results = [text_of(fake.message_payload(m)) for m in fake.messages_in(thread)
                   if title_of(m).startswith(("Results", "Steelman"))]
        assert results and all("\u202e" not in r for r in results)
    assert live_syntax(fake) == []


async def test_a_discord_button_whose_id_no_longer_decodes_is_answered_not_left_failing(fake, sqlite_store,
                                                                                         clock):
    """A card posted by an older version (its button ids in a format since retired, or forged): the
    click is answered privately, not left for Discord to show "This interaction failed"."""
    async with Bot(fake, sqlite_store, clock, discord_settings(fake)) as bot:
        await answer(fake, await fake.send_slash_command(
            "debate start", {"motion": "Compute governance is safer", "sides": "pause, go"},
            user=fake.moderator))
        await bot.settle()
        card = next(m for m in fake.messages_in(fake.channel) if title_of(m).startswith("Debate #1:"))
        stored = fake.message(card.id)
        stored.components[0]["components"][0]["custom_id"] = "retired-format:\u202e@everyone"
        got = await answer(fake, await fake.send_button_click("retired-format:\u202e@everyone", card,
                                                              user=fake.member))
        assert got.ephemeral and "not one I know" in got.text and "Nothing was done" in got.text
