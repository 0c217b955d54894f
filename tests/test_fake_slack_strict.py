"""The fake Slack as strict as Slack where issue 14 found it lenient: channel membership and scopes,
response_url threading, and the rate limits of chat.update (Tier 3) and chat.postMessage (per channel)."""

from __future__ import annotations

import pytest
import pytest_asyncio
from slack_sdk.errors import SlackApiError

from tests.fakes.slack_fake import FakeSlack, Settings, clear_proxy_env

CHANNEL, RANDOM = "C0DEBATE01", "C0RANDOM01"  # the bot is in the first, not in the second


@pytest_asyncio.fixture
async def fake(monkeypatch):
    clear_proxy_env(monkeypatch)
    async with FakeSlack() as server:
        yield server


async def refused(call) -> str:
    with pytest.raises(SlackApiError) as raised:
        await call
    return raised.value.response["error"]


async def test_chat_write_public_posts_without_joining_and_private_channels_do_not_exist(fake,
                                                                                         monkeypatch):
    client = fake.web_client()
    assert (await client.chat_postMessage(channel=RANDOM, text="hi"))["ok"]
    fake.add_channel("C0PRIVATE1", "hush", is_private=True, is_member=False)
    assert await refused(client.chat_postMessage(channel="C0PRIVATE1", text="x")) == "channel_not_found"
    assert await refused(client.conversations_info(channel="C0PRIVATE1")) == "channel_not_found"
    assert await refused(client.conversations_join(channel="C0PRIVATE1")) == "channel_not_found"
    async with FakeSlack(scopes=Settings().scopes - {"chat:write.public"}) as narrow:
        assert await refused(narrow.web_client().chat_postMessage(channel=RANDOM, text="x")) == \
            "not_in_channel"


async def test_reaction_events_come_only_from_channels_the_app_is_in(fake):
    client = fake.web_client()
    outside = await client.chat_postMessage(channel=RANDOM, text="posted with chat:write.public")
    assert await fake.add_reaction("U0BOB00001", RANDOM, outside["ts"], "+1::skin-tone-2") is None
    assert fake.deliveries("events_api") == []
    assert fake.world.channels[RANDOM].find(outside["ts"]).reactions == {"+1::skin-tone-2": ["U0BOB00001"]}


async def test_a_response_url_threads_only_with_thread_ts(fake):
    client = fake.web_client()
    root = await client.chat_postMessage(channel=CHANNEL, text="root")
    reply = await client.chat_postMessage(channel=CHANNEL, thread_ts=root["ts"], text="in the thread")
    payload = fake.payloads.block_actions("b", "v", "U0ALICE001", CHANNEL, reply["ts"], fake.world.team_id,
                                          strict=False)
    session = fake.http._session
    for body in ({"response_type": "in_channel", "text": "no thread_ts"},
                 {"response_type": "in_channel", "text": "with it", "thread_ts": root["ts"]}):
        async with session.post(payload["response_url"], json=body) as answer:
            assert answer.status == 200
    assert [m.text for m in fake.messages(CHANNEL)] == ["root", "no thread_ts"]
    assert [m.text for m in fake.messages(CHANNEL, thread_ts=root["ts"])][-1] == "with it"


async def test_chat_update_is_tier_3_and_posts_are_about_one_a_second_per_channel(fake):
    client = fake.web_client()
    posted = await client.chat_postMessage(channel=CHANNEL, text="card")
    for n in range(50):
        await client.chat_update(channel=CHANNEL, ts=posted["ts"], text=f"edit {n}")
    assert await refused(client.chat_update(channel=CHANNEL, ts=posted["ts"], text="51st")) == "ratelimited"
    last = fake.calls("chat.update")[-1]
    assert last.status == 429
    for _ in range(9):  # the card was the first of a burst of ten
        await client.chat_postMessage(channel=CHANNEL, text="burst")
    assert await refused(client.chat_postMessage(channel=CHANNEL, text="11th")) == "ratelimited"
    assert (await client.chat_postMessage(channel="C0GENERAL1", text="another channel"))["ok"]


async def test_conversations_open_needs_im_write_and_one_real_person(fake):
    client = fake.web_client()
    assert await refused(client.api_call("conversations.open", params={})) == "users_list_not_supplied"
    assert await refused(client.conversations_open(users="U0NOBODY01")) == "user_not_found"
    assert await refused(client.conversations_open(users="U0BOT0001")) == "cannot_dm_bot"
    fake.add_user("U0GONE0001", "gone", deleted=True)
    assert await refused(client.conversations_open(users="U0GONE0001")) == "user_disabled"
    first = await client.conversations_open(users="U0ALICE001")
    again = await client.conversations_open(users="U0ALICE001")
    assert first["channel"]["id"] == again["channel"]["id"] and again["already_open"]
    assert (await client.chat_postMessage(channel=first["channel"]["id"], text="hi"))["ok"]
    async with FakeSlack(scopes=Settings().scopes - {"im:write"}) as narrow:
        answer = await refused(narrow.web_client().conversations_open(users="U0ALICE001"))
        assert answer == "missing_scope"
