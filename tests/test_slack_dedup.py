"""A delivery whose first attempt's outcome is unknown (the bot crashed or lost the answer after posting)
is not posted twice on Slack: each part carries its delivery key in the message's metadata, and a retried
delivery looks for it in the channel's history or the thread's replies before posting.

The fake Slack keeps message metadata, returns it from conversations.history and conversations.replies
only with include_all_metadata, and requires the history scope of the conversation's type."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError

from tests.fakes.slack_fake import FakeSlack
from tests.fakes.slack_fake.state import Settings as FakeSlackSettings
from tests.slack_support import (ALICE, CHANNEL, MAYA, MOTION, SIDES, Bot, command, posts, slack_settings,
                                 stored, text_of, title_of)
from tests.slack_support import clock, fake  # noqa: F401  (fixtures)


START = f'start motion:"{MOTION}" sides:"{SIDES}" format:oxford'


def cards(fake: FakeSlack) -> list:
    return [m for m in posts(fake) if title_of(m).startswith("Debate #1:")]


async def test_a_card_whose_answer_was_lost_is_posted_once(fake, sqlite_store, clock):
    async with Bot(fake, sqlite_store, clock, slack_settings("socket")) as bot:
        fake.lose_answer("chat.postMessage", channel=CHANNEL)  # the card is posted; its answer is lost
        started = await command(fake, "/debate", START, MAYA)
        assert "Debate #1 has started" in started
        await bot.settle()
        assert len(cards(fake)) == 1
        await bot.advance(seconds=5)  # the outbox retries what it could not confirm
        await bot.settle()
        [card] = cards(fake)
        assert [title_of(m) for m in posts(fake, card.ts)][1:] == ["Debate #1: pre-vote"]  # its thread
        assert (await stored(sqlite_store)).debate.thread_id == card.ts
        lookups = fake.calls("conversations.history")
        assert len(lookups) == 1 and lookups[0].params.get("include_all_metadata") in (True, "true", "1", 1)
        assert card.metadata["event_type"] == "steelman_delivery"


async def test_an_argument_whose_answer_was_lost_is_posted_once_in_the_thread(fake, sqlite_store, clock):
    async with Bot(fake, sqlite_store, clock, slack_settings("socket")) as bot:
        started = await command(fake, "/debate", START, MAYA)
        assert "Debate #1 has started" in started
        await bot.settle()
        [card] = cards(fake)
        await bot.advance(minutes=15)  # the opening round
        fake.lose_answer("chat.postMessage", channel=CHANNEL)
        assert "#1" in await command(fake, "/argue", "debate:1 side:pause Weights that exist cannot be "
                                     "un-trained, so evaluations must come first.", ALICE)
        await bot.settle()
        await bot.advance(seconds=5)
        await bot.settle()
        shown = [text_of(m) for m in posts(fake, card.ts)]
        assert len(shown) == len(set(shown)), shown
        assert [title_of(m) for m in posts(fake, card.ts) if title_of(m).startswith("#")] == ["#1 · pause"]
        assert fake.calls("conversations.replies")  # looked for in the thread, not the channel


# ---- the fake keeps metadata and guards the history scopes ---------------------------------------------


async def test_the_fake_keeps_metadata_and_shows_it_only_when_asked():
    async with FakeSlack() as fake:
        client = fake.web_client()
        meta = {"event_type": "probe", "event_payload": {"key": "k1"}}
        parent = await client.chat_postMessage(channel=CHANNEL, text="parent", metadata=meta)
        assert parent["message"]["metadata"] == meta
        await client.chat_postMessage(channel=CHANNEL, text="reply", thread_ts=parent["ts"],
                                      metadata={"event_type": "probe", "event_payload": {"key": "k2"}})
        plain = await client.conversations_history(channel=CHANNEL)
        assert "metadata" not in plain["messages"][0]
        full = await client.conversations_history(channel=CHANNEL, include_all_metadata=True)
        assert full["messages"][0]["metadata"] == meta
        replies = await client.conversations_replies(channel=CHANNEL, ts=parent["ts"],
                                                     include_all_metadata=True)
        assert [m["metadata"]["event_payload"]["key"] for m in replies["messages"]] == ["k1", "k2"]
        for bad in ({"event_type": "probe"}, {"event_payload": {}}, {"event_type": "", "event_payload": {}},
                    {"event_type": "probe", "event_payload": "text"}):
            with pytest.raises(SlackApiError) as refused:
                await client.chat_postMessage(channel=CHANNEL, text="x", metadata=bad)
            assert refused.value.response["error"] == "invalid_metadata_format"


async def test_reading_history_needs_the_history_scope_and_the_adapter_still_delivers_without_it(
        monkeypatch, sqlite_store, clock):
    from tests.slack_support import slack_env

    granted = FakeSlackSettings().scopes - {"channels:history"}  # installed from an older manifest
    async with FakeSlack(scopes=granted) as fake:
        slack_env(monkeypatch, fake)
        with pytest.raises(SlackApiError) as refused:
            await fake.web_client().conversations_history(channel=CHANNEL)
        assert refused.value.response["error"] == "missing_scope"
        assert refused.value.response["needed"] == "channels:history"
        async with Bot(fake, sqlite_store, clock, slack_settings("socket")) as bot:
            fake.lose_answer("chat.postMessage", channel=CHANNEL)
            await command(fake, "/debate", START, MAYA)
            await bot.settle()
            await bot.advance(seconds=5)
            await bot.settle()
            # It could not look: posting again (a repeat) beats never posting the card at all
            assert len(cards(fake)) == 2
            assert (await stored(sqlite_store)).debate.thread_id is not None


async def test_a_rate_limited_post_is_retried_without_a_lookup_it_was_refused_not_lost(fake, sqlite_store,
                                                                                       clock):
    async with Bot(fake, sqlite_store, clock, slack_settings("socket")) as bot:
        fake.fail_next("chat.postMessage", status=429, retry_after=1, channel=CHANNEL)
        assert "Debate #1 has started" in await command(fake, "/debate", START, MAYA)
        await bot.settle()
        await bot.advance(seconds=2)
        await bot.settle()
        assert len(cards(fake)) == 1
        assert fake.calls("conversations.history") == []  # Slack said no: nothing to look for
