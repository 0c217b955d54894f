"""The fake Discord refuses what Discord refuses: route rate limits that count down and answer 429 when a
bucket is spent, slowmode out of its range, and changes inside an archived thread. Driven by the real
discord.py client (and, where a single request must be seen as sent, by plain HTTP)."""

from __future__ import annotations

import asyncio

import aiohttp
import discord
import pytest

from tests.fakes.discord_fake import FakeDiscord, Perm
from tests.test_fake_discord import Probe, bot, fake  # noqa: F401 - the same fake and bot fixtures

MESSAGES = "/channels/{channel_id}/messages"


async def post(http: aiohttp.ClientSession, fake: FakeDiscord, channel_id: int, text: str):
    async with http.post(f"{fake.api_base}/channels/{channel_id}/messages", json={"content": text},
                         headers={"Authorization": f"Bot {fake.token}"}) as resp:
        return resp.status, resp.headers, await resp.json()


@pytest.mark.asyncio
async def test_a_routes_bucket_counts_down_per_channel_and_then_answers_429(fake: FakeDiscord) -> None:
    fake.route_limit("POST", MESSAGES, limit=3, window=0.6)
    async with aiohttp.ClientSession() as http:
        answers = [await post(http, fake, fake.channel.id, f"point {i}") for i in range(4)]
        assert [status for status, _, _ in answers] == [200, 200, 200, 429]
        assert [h["X-RateLimit-Remaining"] for _, h, _ in answers] == ["2", "1", "0", "0"]
        status, headers, body = answers[3]
        assert 0 < body["retry_after"] <= 0.6 and body["global"] is False
        assert headers["X-RateLimit-Scope"] == "user" and headers["Via"]  # one discord.py retries
        # the major parameter: another channel has a bucket of its own (the same route, the same hash)
        status, other, _ = await post(http, fake, fake.general.id, "elsewhere")
        assert status == 200 and other["X-RateLimit-Remaining"] == "2"
        assert other["X-RateLimit-Bucket"] == headers["X-RateLimit-Bucket"]
        await asyncio.sleep(body["retry_after"] + 0.05)  # the window resets
        status, again, _ = await post(http, fake, fake.channel.id, "after the reset")
        assert status == 200 and again["X-RateLimit-Remaining"] == "2"
    assert [m.content for m in fake.messages_in(fake.channel)] == ["point 0", "point 1", "point 2",
                                                                    "after the reset"]


@pytest.mark.asyncio
async def test_every_answer_says_what_is_left_of_its_bucket(fake: FakeDiscord) -> None:
    async with aiohttp.ClientSession() as http:
        left = []
        for _ in range(3):
            async with http.get(f"{fake.api_base}/users/@me",
                                headers={"Authorization": f"Bot {fake.token}"}) as resp:
                left.append(int(resp.headers["X-RateLimit-Remaining"]))
    assert left == [left[0], left[0] - 1, left[0] - 2]


@pytest.mark.asyncio
async def test_discord_py_keeps_to_a_spent_bucket_and_every_message_arrives_once(fake: FakeDiscord,
                                                                                bot: Probe) -> None:
    fake.route_limit("POST", MESSAGES, limit=2, window=0.4)
    channel = bot.get_channel(fake.channel.id)
    sent = await asyncio.gather(*(channel.send(f"point {i}") for i in range(5)))
    stored = fake.messages_in(fake.channel)
    assert sorted(m.id for m in stored) == sorted(m.id for m in sent)  # each once
    done = [c.at for c in fake.requests("POST", f"/channels/{fake.channel.id}/messages") if c.ok]
    assert len(done) == 5
    for first, third in zip(done, done[2:]):  # never more than 2 in one window
        assert third - first >= 0.3


@pytest.mark.asyncio
async def test_slowmode_outside_0_to_21600_seconds_is_refused_with_50035(fake: FakeDiscord,
                                                                       bot: Probe) -> None:
    admin = fake.add_role("Channel admin", Perm.MANAGE_CHANNELS)
    fake.guild.members[fake.bot_user.id].role_ids.append(admin.id)  # editing a channel needs it
    for bad, said in ((21601, "less than or equal to 21600"), (-1, "greater than or equal to 0")):
        with pytest.raises(discord.HTTPException) as refused:
            await bot.http.edit_channel(fake.channel.id, rate_limit_per_user=bad)
        assert refused.value.code == 50035 and f"In rate_limit_per_user: int value should be {said}" in \
            refused.value.text
    edited = await bot.http.edit_channel(fake.channel.id, rate_limit_per_user=21600)
    assert edited["rate_limit_per_user"] == 21600
    first = await bot.get_channel(fake.general.id).send("card")
    with pytest.raises(discord.HTTPException) as refused:
        await bot.http.start_thread_with_message(fake.general.id, first.id, name="Debate #1",
                                                 auto_archive_duration=1440, rate_limit_per_user=30000)
    assert refused.value.code == 50035 and "rate_limit_per_user" in refused.value.text
    thread = await bot.http.start_thread_with_message(fake.general.id, first.id, name="Debate #1",
                                                      auto_archive_duration=1440, rate_limit_per_user=60)
    assert thread["rate_limit_per_user"] == 60


@pytest.mark.asyncio
async def test_an_archived_thread_refuses_edits_and_reactions_with_50083_even_unlocked(fake: FakeDiscord,
                                                                                      bot: Probe) -> None:
    """Discord: "Users cannot edit messages, add reactions, use slash commands, or join archived threads.
    ... Sending a message will automatically unarchive the thread, unless the thread has been locked"."""
    first = await bot.get_channel(fake.channel.id).send("card")
    tid = int((await bot.http.start_thread_with_message(fake.channel.id, first.id, name="Debate #1",
                                                        auto_archive_duration=10080))["id"])
    notice = await bot.get_partial_messageable(tid).send("the debate is closed")
    await bot.http.edit_channel(tid, archived=True)
    assert [(t.archived, t.locked) for t in fake.threads()] == [(True, False)]
    attempts = {
        "edit": notice.edit(content="edited"),
        "react": notice.add_reaction("👍"),
        "rename": bot.http.edit_channel(tid, name="Debate #1 (renamed)"),
    }
    for what, attempt in attempts.items():
        with pytest.raises(discord.HTTPException) as refused:
            await attempt
        assert (refused.value.status, refused.value.code) == (400, 50083), what
    assert fake.message(notice.id).content == "the debate is closed"
    await bot.get_partial_messageable(tid).send("one more")  # a new message unarchives it
    assert [t.archived for t in fake.threads()] == [False]
