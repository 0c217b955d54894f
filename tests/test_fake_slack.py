"""The fake Slack, proved with the REAL slack-bolt AsyncApp and slack_sdk over loopback.

The app under test here is a tiny Bolt app defined below (one command, one action, one event, one view),
not Steelman: these tests pin down that the fake speaks Slack's protocol the way the libraries expect, so
the Slack adapter's end-to-end tests can trust it."""

from __future__ import annotations

import asyncio
import warnings
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)

from tests.fakes.slack_fake import (
    BOT_USER_ID,
    FakeSlack,
    bolt_app,
    clear_proxy_env,
    http_mode_app,
    sign,
    socket_mode_app,
)

CHANNEL, ALICE, MAYA = "C0DEBATE01", "U0ALICE001", "U0MOD00001"
VOTE_BLOCKS = [
    {"type": "section", "block_id": "motion", "text": {"type": "mrkdwn", "text": "*Pause big training runs?*"}},
    {"type": "actions", "block_id": "votes", "elements": [
        {"type": "button", "action_id": "vote", "value": "pause", "text": {"type": "plain_text", "text": "Pause"}},
        {"type": "button", "action_id": "form", "value": "x", "text": {"type": "plain_text", "text": "Argue"}}]},
]
ARGUE_VIEW = {"type": "modal", "callback_id": "argue", "private_metadata": "debate-1",
              "title": {"type": "plain_text", "text": "Add an argument"},
              "submit": {"type": "plain_text", "text": "Post"},
              "blocks": [{"type": "input", "block_id": "arg", "label": {"type": "plain_text", "text": "Argument"},
                          "element": {"type": "plain_text_input", "action_id": "text"}}]}


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch):
    clear_proxy_env(monkeypatch)  # slack_sdk would send 127.0.0.1 traffic to an environment proxy
    async with FakeSlack(trigger_ttl=0.3) as server:
        yield server


def tiny_app(fake: FakeSlack, **client_kwargs: Any):
    """One slash command, two actions, one event listener and one view handler, all on the real Bolt."""
    app = bolt_app(fake, client=fake.web_client(**client_kwargs))
    seen: dict[str, list[Any]] = {"retry_headers": [], "errors": []}

    @app.command("/echo")
    async def echo(ack, command, client, respond):
        await ack()
        if command["text"] == "privately":
            await respond("only you can see this")
            return
        try:
            await client.chat_postMessage(channel=command["channel_id"], text=f"echo: {command['text']}",
                                          blocks=VOTE_BLOCKS if command["text"] == "vote" else None)
        except SlackApiError as error:
            seen["errors"].append(error.response["error"])

    @app.action("vote")
    async def vote(ack, body, client):
        await ack()
        await client.chat_update(channel=body["channel"]["id"], ts=body["message"]["ts"],
                                 text=f"voted {body['actions'][0]['value']}")

    @app.action("form")
    async def form(ack, body, client):
        await ack()
        try:
            await client.views_open(trigger_id=body["trigger_id"], view=ARGUE_VIEW)
        except SlackApiError as error:
            seen["errors"].append(error.response["error"])

    @app.view("argue")
    async def argue(ack, view, body, client):
        text = view["state"]["values"]["arg"]["text"]["value"]
        if len(text) < 5:
            await ack(response_action="errors", errors={"arg": "Too short"})
            return
        await ack()
        await client.chat_postMessage(channel=CHANNEL, text=f"{body['user']['id']} argues: {text}")

    @app.event("reaction_added")
    async def reacted(event, request, client):
        seen["retry_headers"].append(request.headers.get("x-slack-retry-num", [None])[0])
        await client.chat_postMessage(channel=event["item"]["channel"], thread_ts=event["item"]["ts"],
                                      text=f"thanks for :{event['reaction']}:")

    return app, seen


def running(app, fake: FakeSlack, mode: str):
    return socket_mode_app(app, fake) if mode == "socket" else http_mode_app(app, fake)


# -- slash commands, both transports ------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("mode", ["socket", "http"])
async def test_slash_command_is_acked_in_time_and_its_message_recorded(fake, mode):
    app, _ = tiny_app(fake)
    async with running(app, fake, mode):
        delivery = await fake.slash_command("/echo", "hello", user=ALICE, channel=CHANNEL, mode=mode)
        call = await fake.wait_for_call("chat.postMessage")

    assert delivery.acked_in_time and not delivery.missed
    assert delivery.ack_latency < fake.settings.ack_deadline
    assert call.ok and call.params["text"] == "echo: hello" and call.body_kind == "json"
    assert call.headers["Authorization"] == f"Bearer {fake.bot_token}"
    assert [m.text for m in fake.messages(CHANNEL)] == ["echo: hello"]
    assert len(fake.calls("auth.test")) == 1  # Bolt authorizes once, on the first request
    if mode == "socket":
        opened = fake.calls("apps.connections.open")
        assert len(opened) == 1 and opened[0].token == fake.app_token
        assert delivery.ack_payload is None  # a bare ack() sends {"envelope_id": ...} only
    else:
        assert delivery.status == 200 and delivery.body == ""


@pytest.mark.asyncio
async def test_http_rejects_bad_signature_and_stale_timestamp(fake):
    app, _ = tiny_app(fake)
    async with http_mode_app(app, fake):
        forged = await fake.slash_command("/echo", "x", mode="http", bad_signature=True)
        stale = await fake.slash_command("/echo", "x", mode="http", stale_timestamp=True)
        good = await fake.slash_command("/echo", "x", mode="http")
        await fake.wait_for_call("chat.postMessage")

    assert forged.status == 401 and stale.status == 401 and good.status == 200
    assert len(fake.calls("chat.postMessage")) == 1  # only the genuine request ran the listener


def test_signature_matches_slack_sdk_verifier():
    from slack_sdk.signature import SignatureVerifier

    body, ts = "command=%2Fecho&text=hi", "1700000000"
    verifier = SignatureVerifier("secret", clock=type("C", (), {"now": lambda self: 1700000000})())
    assert verifier.is_valid(body, ts, sign("secret", ts, body))


@pytest.mark.asyncio
async def test_http_url_verification_echoes_the_challenge(fake):
    app, _ = tiny_app(fake)
    async with http_mode_app(app, fake):
        delivery = await fake.url_verification("abc123")
    assert delivery.status == 200 and delivery.json == {"challenge": "abc123"}


# -- rate limits and server errors ----------------------------------------------------------------------


@pytest.mark.asyncio
async def test_rate_limited_post_is_retried_by_the_handler_and_recorded_once(fake):
    # Retry-After 0: slack_sdk sleeps int(header) + random() seconds, so this keeps the test under 1 s
    app, seen = tiny_app(fake, retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=2)])
    fake.fail_next("chat.postMessage", status=429, retry_after=0)
    async with socket_mode_app(app, fake):
        await fake.slash_command("/echo", "once", channel=CHANNEL)
        await fake.wait_for_call("chat.postMessage", lambda c: c.ok, timeout=3.0)

    attempts = fake.calls("chat.postMessage")
    assert [(c.status, c.error) for c in attempts] == [(429, "ratelimited"), (200, None)]
    assert [m.text for m in fake.messages(CHANNEL)] == ["echo: once"]
    assert seen["errors"] == []


@pytest.mark.asyncio
async def test_without_a_retry_handler_429_surfaces_as_ratelimited(fake):
    fake.fail_next("chat.postMessage", status=429, retry_after=30)
    with pytest.raises(SlackApiError) as raised:
        await fake.web_client().chat_postMessage(channel=CHANNEL, text="hi")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "30"
    assert fake.messages(CHANNEL) == []


@pytest.mark.asyncio
async def test_server_error_is_retried_by_the_server_error_handler(fake):
    fake.fail_next("chat.postMessage", status=503)
    quick = FixedValueRetryIntervalCalculator(0.01)  # the default backoff would wait about a second
    client = fake.web_client(retry_handlers=[AsyncServerErrorRetryHandler(1, interval_calculator=quick)])
    response = await client.chat_postMessage(channel=CHANNEL, text="after a 503")
    assert response["ok"] and [c.status for c in fake.calls("chat.postMessage")] == [503, 200]


# -- Socket Mode: rotation, redelivery, deadlines ---------------------------------------------------------


@pytest.mark.asyncio
async def test_socket_disconnect_reconnects_and_handles_the_next_envelope(fake):
    app, _ = tiny_app(fake)
    async with socket_mode_app(app, fake):
        old = await fake.socket_disconnect("refresh_requested")
        new = await fake.wait_for_connection(2)
        delivery = await fake.slash_command("/echo", "after rotation")
        await fake.wait_for_call("chat.postMessage")

    assert old.number == 1 and not old.is_open and new.number == 2
    assert len(fake.calls("apps.connections.open")) == 2  # a fresh URL for the new connection
    assert delivery.connections == [2] and delivery.acked_in_time
    assert [m.text for m in fake.messages(CHANNEL)] == ["echo: after rotation"]


@pytest.mark.asyncio
async def test_abrupt_socket_close_also_reconnects(fake):
    app, _ = tiny_app(fake)
    async with socket_mode_app(app, fake):
        await fake.socket_disconnect(send_message=False)
        await fake.wait_for_connection(2)
        delivery = await fake.slash_command("/echo", "still here")
    assert delivery.acked_in_time and delivery.connections == [2]


@pytest.mark.asyncio
async def test_unacked_envelope_is_redelivered_on_the_new_connection(fake):
    app, _ = tiny_app(fake)
    dropped = asyncio.Event()
    seen_triggers: set[str] = set()

    @app.middleware
    async def drop_first_sight(body, next):
        # Returning without next(): Bolt answers 404 and its Socket Mode adapter sends no ack at all
        if body.get("trigger_id") not in seen_triggers:
            seen_triggers.add(body.get("trigger_id"))
            dropped.set()
            return None
        return await next()

    async with socket_mode_app(app, fake):
        delivery = await fake.slash_command("/echo", "second chance", wait_ack=False)
        await asyncio.wait_for(dropped.wait(), 2.0)
        await fake.socket_disconnect()
        assert await delivery.wait_ack(timeout=2.0)
        await fake.wait_for_call("chat.postMessage")

    assert delivery.connections == [1, 2] and delivery.redeliveries == 1
    assert [m.text for m in fake.messages(CHANNEL)] == ["echo: second chance"]


@pytest.mark.asyncio
async def test_ack_deadline_records_late_and_missing_acks(monkeypatch):
    clear_proxy_env(monkeypatch)
    async with FakeSlack(ack_deadline=0.1) as fake:
        app, _ = tiny_app(fake)

        @app.command("/slow")
        async def slow(ack):
            await asyncio.sleep(0.15)  # the app being slow is the point of this test
            await ack()

        @app.middleware
        async def swallow(body, next):
            return None if body.get("command") == "/never" else await next()

        async with socket_mode_app(app, fake):
            late = await fake.slash_command("/slow", wait_ack=False)
            never = await fake.slash_command("/never", wait_ack=False)
            assert await late.wait_ack(timeout=1.0)
            assert not await never.wait_ack(timeout=0.3)

    assert late.acked and late.late and not late.acked_in_time
    assert never.missed and not never.acked
    assert fake.late_acks == [late] and fake.missed_acks == [never]


@pytest.mark.asyncio
async def test_unacked_event_is_retried_like_slack_when_enabled(monkeypatch):
    clear_proxy_env(monkeypatch)
    async with FakeSlack(ack_deadline=0.1, retry_events_on_missed_ack=True) as fake:
        app, seen = tiny_app(fake)

        @app.middleware
        async def drop_first_attempt(request, next):
            if request.headers.get("x-slack-retry-num", ["0"])[0] == "0":
                return None  # no ack: the fake resends after the deadline
            return await next()

        parent = await fake.web_client().chat_postMessage(channel=CHANNEL, text="an argument")
        async with socket_mode_app(app, fake):
            await fake.add_reaction(ALICE, CHANNEL, parent["ts"], "thumbsup", wait_ack=False)
            await fake.wait_for_call("chat.postMessage", lambda c: "thread_ts" in c.params)

    first, retry = fake.deliveries("events_api")
    assert first.missed and not first.acked and retry.acked
    assert (retry.retry_attempt, retry.retry_reason) == (1, "timeout")
    assert retry.payload["event_id"] == first.payload["event_id"] and seen["retry_headers"] == ["1"]


# -- interactions and events ------------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("mode", ["socket", "http"])
async def test_button_click_updates_the_message(fake, mode):
    app, _ = tiny_app(fake)
    async with running(app, fake, mode):
        await fake.slash_command("/echo", "vote", mode=mode)
        posted = await fake.wait_for_call("chat.postMessage")
        click = await fake.click_button("vote", user=MAYA, channel=CHANNEL, message_ts=posted.response["ts"],
                                        mode=mode)
        await fake.wait_for_call("chat.update")

    assert click.acked_in_time
    assert click.payload["actions"][0]["block_id"] == "votes"  # taken from the stored message
    assert fake.messages(CHANNEL)[0].text == "voted pause"
    with pytest.raises(LookupError):  # a button the app never posted cannot be clicked
        await fake.click_button("missing", channel=CHANNEL, message_ts=posted.response["ts"])


@pytest.mark.asyncio
async def test_button_opens_a_modal_and_its_submission_is_validated(fake):
    app, seen = tiny_app(fake)
    async with socket_mode_app(app, fake):
        await fake.slash_command("/echo", "vote")
        ts = (await fake.wait_for_call("chat.postMessage")).response["ts"]
        await fake.click_button("form", channel=CHANNEL, message_ts=ts)
        opened = await fake.wait_for_call("views.open")
        short = await fake.submit_view("argue", state_values={"arg": {"text": {"type": "plain_text_input",
                                                                               "value": "no"}}})
        good = await fake.submit_view("argue", state_values={"arg": {"text": {"type": "plain_text_input",
                                                                              "value": "Compute is governable"}}})
        await fake.wait_for_call("chat.postMessage", lambda c: "argues" in c.params["text"])

    assert opened.ok and seen["errors"] == []
    assert short.ack_payload == {"response_action": "errors", "errors": {"arg": "Too short"}}
    assert good.acked_in_time and good.payload["view"]["id"] == opened.response["view"]["id"]
    assert good.payload["view"]["private_metadata"] == "debate-1"


@pytest.mark.asyncio
@pytest.mark.parametrize("mode", ["socket", "http"])
async def test_event_retries_carry_the_same_event_id(fake, mode):
    app, seen = tiny_app(fake)
    parent = await fake.web_client().chat_postMessage(channel=CHANNEL, text="an argument")
    async with running(app, fake, mode):
        event = {"type": "reaction_added", "user": ALICE, "reaction": "thumbsup", "item_user": BOT_USER_ID,
                 "item": {"type": "message", "channel": CHANNEL, "ts": parent["ts"]}, "event_ts": "1.2"}
        first, retry = await fake.send_event(event, "Ev0FIXED", retries=1, mode=mode)
        await fake.wait_for_call("chat.postMessage", lambda c: c.params.get("thread_ts") == parent["ts"])

    assert first.payload["event_id"] == retry.payload["event_id"] == "Ev0FIXED"
    assert first.acked and retry.acked
    # Socket Mode sends retry_attempt 0 on a first delivery, which Bolt passes on as the header "0"
    assert seen["retry_headers"] == (["0", "1"] if mode == "socket" else [None, "1"])


@pytest.mark.asyncio
async def test_member_reaction_helper_sends_reaction_added(fake):
    app, _ = tiny_app(fake)
    parent = await fake.web_client().chat_postMessage(channel=CHANNEL, text="endorse me")
    async with socket_mode_app(app, fake):
        delivery = await fake.add_reaction(ALICE, CHANNEL, parent["ts"], "+1")
        reply = await fake.wait_for_call("chat.postMessage", lambda c: "thread_ts" in c.params)

    assert delivery.acked and delivery.payload["event"]["item_user"] == BOT_USER_ID
    assert fake.messages(CHANNEL, thread_ts=parent["ts"])[1].ts == reply.response["ts"]
    assert fake.messages(CHANNEL)[0].reactions == {"+1": [ALICE]}


@pytest.mark.asyncio
async def test_member_message_mentioning_the_bot_sends_message_and_app_mention(fake):
    app, _ = tiny_app(fake)

    @app.event("app_mention")
    async def mentioned(event, say):
        await say(text="you rang?", thread_ts=event["ts"])

    async with http_mode_app(app, fake):
        posted = await fake.post_user_message(ALICE, CHANNEL, f"<@{BOT_USER_ID}> steelman this", mode="http")
        await fake.wait_for_call("chat.postMessage")

    message_event, mention = fake.deliveries("events_api")
    assert message_event.payload["event"]["type"] == "message" and message_event.status == 404  # no listener
    assert mention.payload["event"]["type"] == "app_mention" and mention.status == 200
    assert [m.text for m in fake.messages(CHANNEL, thread_ts=posted.ts)] == [posted.text, "you rang?"]


@pytest.mark.asyncio
async def test_respond_posts_to_the_response_url(fake):
    app, _ = tiny_app(fake)
    async with socket_mode_app(app, fake):
        await fake.slash_command("/echo", "privately", user=ALICE)
        posted = await fake.wait_for_response()

    assert posted.status == 200 and posted.body["text"] == "only you can see this"
    assert [(e.user, e.text, e.source) for e in fake.ephemerals()] == [(ALICE, "only you can see this",
                                                                         "response_url")]


# -- Web API rules ----------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_over_limit_messages_are_rejected(fake):
    client = fake.web_client()

    async def error_of(**kwargs: Any) -> str:
        with pytest.raises(SlackApiError) as raised, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # slack_sdk warns client-side when `text` is missing
            await client.chat_postMessage(channel=CHANNEL, **kwargs)
        return raised.value.response["error"]

    section = {"type": "section", "text": {"type": "mrkdwn", "text": "x"}}
    long_section = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}
    button = {"type": "actions", "elements": [{"type": "button", "action_id": "a",
                                               "text": {"type": "plain_text", "text": "b" * 76}}]}
    assert await error_of(text="x" * 40_001) == "msg_too_long"
    assert await error_of(text="t", blocks=[section] * 51) == "invalid_blocks"
    assert await error_of(text="t", blocks=[long_section]) == "invalid_blocks"
    assert await error_of(text="t", blocks=[button]) == "invalid_blocks"
    assert await error_of() == "no_text"
    assert await error_of(text="t", thread_ts="1.000001") == "thread_not_found"
    detail = fake.calls("chat.postMessage")[2].response
    assert detail["errors"] == ["must be less than 3001 characters [json-pointer:/blocks/0/text/text]"]
    assert fake.messages(CHANNEL) == []
    assert (await client.chat_postMessage(channel=CHANNEL, text="x" * 40_000))["ok"]


@pytest.mark.asyncio
async def test_blocks_without_text_are_accepted_but_recorded(fake):
    with pytest.warns(UserWarning):
        await fake.web_client().chat_postMessage(channel=CHANNEL, blocks=VOTE_BLOCKS)
    await fake.web_client().chat_postMessage(channel=CHANNEL, blocks=VOTE_BLOCKS, text="Vote")
    assert len(fake.calls_without_text_fallback) == 1
    assert [m.has_text_fallback for m in fake.messages(CHANNEL)] == [False, True]


@pytest.mark.asyncio
async def test_tokens_are_checked(fake):
    async def error_of(call) -> str:
        with pytest.raises(SlackApiError) as raised:
            await call
        return raised.value.response["error"]

    assert await error_of(fake.web_client("xoxb-wrong").auth_test()) == "invalid_auth"
    assert await error_of(fake.web_client(fake.app_token).chat_postMessage(channel=CHANNEL, text="x")) \
        == "not_allowed_token_type"
    assert await error_of(fake.web_client().apps_connections_open(app_token=fake.bot_token)) \
        == "not_allowed_token_type"
    assert await error_of(fake.web_client().api_call("chat.postMessage", json={"channel": CHANNEL},
                                                     headers={"Authorization": ""})) == "not_authed"
    url = (await fake.web_client().apps_connections_open(app_token=fake.app_token))["url"]
    assert url.startswith(f"ws://127.0.0.1:{fake.port}/link/?ticket=")


@pytest.mark.asyncio
async def test_form_and_json_bodies_threads_reactions_and_reads(fake):
    client = fake.web_client()
    parent = await client.api_call("chat.postMessage", data={"channel": CHANNEL, "text": "form-encoded"})
    reply = await client.chat_postMessage(channel=CHANNEL, thread_ts=parent["ts"], text="a reply")
    await client.reactions_add(channel=CHANNEL, timestamp=parent["ts"], name="thumbsup")
    assert [c.body_kind for c in fake.calls("chat.postMessage")] == ["form", "json"]
    assert float(reply["ts"]) > float(parent["ts"]) and parent["ts"].endswith(".000100")

    history = await client.conversations_history(channel=CHANNEL)
    replies = await client.conversations_replies(channel=CHANNEL, ts=parent["ts"])
    reactions = await client.reactions_get(channel=CHANNEL, timestamp=parent["ts"])
    assert [m["text"] for m in history["messages"]] == ["form-encoded"]
    assert history["messages"][0]["reply_count"] == 1
    assert [m["text"] for m in replies["messages"]] == ["form-encoded", "a reply"]
    assert reactions["message"]["reactions"] == [{"name": "thumbsup", "users": [BOT_USER_ID], "count": 1}]

    link = await client.chat_getPermalink(channel=CHANNEL, message_ts=reply["ts"])
    assert link["permalink"].endswith(f"?thread_ts={parent['ts']}&cid={CHANNEL}")
    maya = await client.users_info(user=MAYA)
    assert maya["user"]["is_admin"] and not maya["user"]["is_owner"]
    assert (await client.users_info(user="U0OWNER001"))["user"]["is_owner"]

    for call, error in [(client.chat_postMessage(channel="C0NOPE0001", text="x"), "channel_not_found"),
                        (client.chat_update(channel=CHANNEL, ts="1.000001", text="x"), "message_not_found"),
                        (client.reactions_add(channel=CHANNEL, timestamp=parent["ts"], name="thumbsup"),
                         "already_reacted")]:
        with pytest.raises(SlackApiError) as raised:
            await call
        assert raised.value.response["error"] == error
    joined = await client.conversations_join(channel="C0RANDOM01")
    assert joined["channel"]["is_member"]
    assert (await client.chat_postMessage(channel="C0RANDOM01", text="hi"))["ok"]
    info = await client.conversations_info(channel="C0RANDOM01")
    assert info["channel"]["name"] == "random"


@pytest.mark.asyncio
async def test_trigger_ids_expire_and_are_single_use(fake):
    client = fake.web_client()
    fresh = fake.world.new_trigger(ALICE)
    assert (await client.views_open(trigger_id=fresh, view=ARGUE_VIEW))["ok"]
    stale = fake.world.new_trigger(ALICE)
    fake.world.triggers[stale].issued_at -= fake.settings.trigger_ttl + 0.01  # aged, without sleeping
    for trigger, error in [(fresh, "exchanged_trigger_id"), (stale, "expired_trigger_id"),
                           ("1.2.nope", "invalid_trigger_id")]:
        with pytest.raises(SlackApiError) as raised:
            await client.views_open(trigger_id=trigger, view=ARGUE_VIEW)
        assert raised.value.response["error"] == error

    view_id = fake.calls("views.open")[0].response["view"]["id"]
    updated = await client.views_update(view_id=view_id, view={**ARGUE_VIEW, "private_metadata": "v2"})
    assert updated["view"]["private_metadata"] == "v2"
    with pytest.raises(SlackApiError) as raised:
        await client.views_update(view_id=view_id, view={**ARGUE_VIEW, "title": {"type": "plain_text",
                                                                               "text": "t" * 25}})
    assert raised.value.response["error"] == "invalid_arguments"


@pytest.mark.asyncio
async def test_file_upload_flow(fake):
    client = fake.web_client()
    parent = await client.chat_postMessage(channel=CHANNEL, text="results")
    done = await client.files_upload_v2(channel=CHANNEL, thread_ts=parent["ts"], content="side,votes\npause,3\n",
                                        filename="results.csv", title="Results", initial_comment="the export")
    assert done["file"]["name"] == "results.csv" and done["file"]["size"] == 19
    upload_url = fake.calls("files.getUploadURLExternal")[0].response["upload_url"]
    assert upload_url.startswith(fake.url + "/upload/v1/")
    shared = fake.messages(CHANNEL, thread_ts=parent["ts"])[1]
    assert shared.text == "the export" and shared.files[0]["title"] == "Results"
    assert fake.world.files[done["file"]["id"]].data == b"side,votes\npause,3\n"
