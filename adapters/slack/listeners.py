"""Slack events to core commands and replies back: slash commands, buttons, modals, reactions.

Every listener acknowledges first (Slack's deadline is three seconds), then calls the core. Each request
carries Slack's own id (trigger_id, view id, event_id) so a retry or a second delivery counts once.
The community is the workspace that installed the app (Bolt's `context.team_id`): in a Slack Connect
channel a member's own `user.team_id` is another workspace's.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.forms import field_error
from adapters.slack.channels import Channels
from adapters.slack.manifest import OUR_NAMES, slack_name
from adapters.slack.modal import FORM, modal
from adapters.slack.replies import Answers
from adapters.text import channel_ids_in_command
from bot.platform import (BUTTON_PREFIX, CATALOG, Actor, Core, Message, Reply, Request, Settings,
                          SpaceRef, clean, decode_button, form_for)

log = logging.getLogger("steelman.slack")
ENDORSE_REACTIONS = {"+1", "thumbsup"}
# :+1: agrees (the endorsement), :-1: disagrees
VOTE_REACTIONS = {**dict.fromkeys(ENDORSE_REACTIONS, "agree"), "-1": "disagree", "thumbsdown": "disagree"}
PROFILE_TTL = 300.0
ANSWER_IN_FORM_WITHIN = 2.0  # Slack closes a form it has not heard back about within three seconds
OURS = re.compile(r"^" + BUTTON_PREFIX + r":")  # our buttons and forms; anything else is not ours
UNKNOWN_BUTTON = Reply(Message("That button is not one I know (from an older message?). Nothing was done; "
                               "use the buttons on the debate's card, or /help.", kind="error"))
OPENS_A_DEBATE = re.compile(r"^/debate\s+start\b")  # posts a new card, so the channel must take it


def slash_commands() -> list[str]:
    return sorted({slack_name(c.path[0]) for c in CATALOG})


def reaction_name(name: str) -> str:
    """Slack names a skin-toned reaction "+1::skin-tone-3": the same thumbs-up."""
    return name.split("::", 1)[0]


class Listeners:
    def __init__(self, core: Core, settings: Settings, client: AsyncWebClient):
        self.core, self.settings, self.client = core, settings, client
        self.answers, self.channels = Answers(client), Channels(client)
        self._profiles: dict[str, tuple[float, str, bool]] = {}

    def register(self, app: AsyncApp) -> None:
        for name in slash_commands():
            app.command(name)(self.on_command)
        app.action(OURS)(self.on_action)
        # Slack sends an app only the actions of its own messages: an id not ours is a stale or forged
        # button, acknowledged (else Slack shows the member an error) and answered plainly
        app.action(re.compile(".*"))(self.on_unknown_action)
        app.view(OURS)(self.on_view)
        app.event("reaction_added")(self.on_reaction_added)
        app.event("reaction_removed")(self.on_reaction_removed)
        app.error(self.on_error)

    async def on_error(self, error: Exception, body: dict[str, Any], respond) -> None:
        await self.answers.apologise(body, respond, error)

    async def _safely(self, work: Any, body: dict[str, Any], respond: Any) -> None:
        """Run a listener's work after its ack, apologising if it fails. Not left to `on_error`: when a
        listener raises just after ack(), Bolt forgets the ack and answers Slack 404 three seconds later."""
        try:
            await work
        except Exception as exc:
            await self.answers.apologise(body, respond, exc)

    async def profile(self, user_id: str) -> tuple[str, bool]:
        """(display name, is moderator): workspace admins and owners, or users listed in the config."""
        cached = self._profiles.get(user_id)
        if cached and time.monotonic() - cached[0] < PROFILE_TTL:
            return cached[1], cached[2]
        user = (await self.client.users_info(user=user_id))["user"]
        profile = user.get("profile", {})
        name = clean(profile.get("display_name") or profile.get("real_name") or user.get("name") or user_id)
        moderator = bool(user.get("is_admin") or user.get("is_owner") or user_id in self.settings.slack.moderators)
        self._profiles[user_id] = (time.monotonic(), name, moderator)
        return name, moderator

    async def request(self, context: Any, user: str, channel: str, thread: str | None,
                      key: str | None, domain: str = "") -> Request:
        name, moderator = await self.profile(user)
        space = SpaceRef("slack", context["team_id"], domain)
        return Request(space, Actor(user, name, moderator), channel, thread, key)

    # ---- slash commands ------------------------------------------------------------------------------

    async def on_command(self, ack, command: dict[str, Any], respond, context) -> None:
        await ack()
        await self._safely(self._command(command, respond, context), command, respond)

    async def _command(self, command: dict[str, Any], respond: Any, context: Any) -> None:
        channel, user = command["channel_id"], command["user_id"]
        line = f"{OUR_NAMES.get(command['command'], command['command'])} {command.get('text', '')}"
        refusal = await self.channels.refusal(channel) if OPENS_A_DEBATE.match(line) else None
        if refusal:
            reply = Reply(Message(refusal, kind="error"), ephemeral=True)
        else:
            request = await self.request(context, user, channel, None,
                                         f"command:{command['trigger_id']}", command.get("team_domain", ""))
            reply = await self.core.execute_text(request, channel_ids_in_command(line))
        await self.answers.send(respond, reply, channel=channel, user=user, thread=None)

    # ---- buttons and forms ---------------------------------------------------------------------------

    async def on_action(self, ack, body: dict[str, Any], action: dict[str, Any], respond, context) -> None:
        await ack()
        await self._safely(self._action(body, action, respond, context), body, respond)

    async def on_unknown_action(self, ack, body: dict[str, Any], respond) -> None:
        await ack()
        await self._safely(self._unknown(body, respond), body, respond)

    async def _unknown(self, body: dict[str, Any], respond: Any) -> None:
        message = body.get("message") or {}
        await self.answers.send(respond, UNKNOWN_BUTTON, channel=(body.get("channel") or {}).get("id", ""),
                                user=(body.get("user") or {}).get("id", ""),
                                thread=message.get("thread_ts") or message.get("ts"))

    async def _action(self, body: dict[str, Any], action: dict[str, Any], respond: Any, context: Any) -> None:
        decoded = decode_button(action["action_id"])
        if decoded is None:
            await self._unknown(body, respond)
            return
        command, args, is_form = decoded
        channel = body.get("channel", {}).get("id", "")
        message = body.get("message", {})
        # The message's thread (a card is its own thread's root once the thread has begun)
        thread = message.get("thread_ts") or message.get("ts")
        if is_form:  # open at once: the trigger expires three seconds after the click
            view = modal(command, args, channel, thread, self.settings.limits)
            await self.client.views_open(trigger_id=body["trigger_id"], view=view)
            return
        user = body["user"]["id"]
        request = await self.request(context, user, channel, thread, f"action:{body['trigger_id']}",
                                     (body.get("team") or {}).get("domain", ""))
        reply = await self.core.execute(request, command, args)
        await self.answers.send(respond, reply, channel=channel, user=user, thread=thread)

    async def on_view(self, ack, body: dict[str, Any], view: dict[str, Any], context) -> None:
        decoded = decode_button(view["callback_id"])
        if decoded is None:
            await ack()
            return
        command, fixed, _ = decoded
        where = json.loads(view.get("private_metadata") or "{}")
        values = {action_id: data.get("value") for block in view["state"]["values"].values()
                  for action_id, data in block.items() if data.get("value")}
        user = body["user"]["id"]

        async def run() -> Reply:  # the profile look-up too runs inside the deadline below
            request = await self.request(context, user, where.get("channel", ""), where.get("thread"),
                                         f"view:{view['id']}")
            return await self.core.execute(request, command, {**values, **fixed})

        task = asyncio.ensure_future(run())
        done, _ = await asyncio.wait({task}, timeout=ANSWER_IN_FORM_WITHIN)
        if done and not task.exception() and task.result().message.kind == "error":
            # Keep the form open with the member's text, the mistake shown under the field it concerns
            # (the option the core names; the first field when it names none).
            form = form_for(command, fixed, self.settings.limits, FORM)
            found = field_error(task.result(), form)
            block = found[0].name if found else next(iter(view["state"]["values"]), "text")
            await ack(response_action="errors", errors={block: task.result().message.text})
            return
        await ack()

        async def answer() -> None:
            await self.answers.send(None, await task, channel=where.get("channel", ""), user=user,
                                    thread=where.get("thread"))

        await self._safely(answer(), body, None)

    # ---- reactions -----------------------------------------------------------------------------------

    async def on_reaction_added(self, event: dict[str, Any], body: dict[str, Any], context) -> None:
        await self._reaction(event, body, context, withdraw=False)

    async def on_reaction_removed(self, event: dict[str, Any], body: dict[str, Any], context) -> None:
        await self._reaction(event, body, context, withdraw=True)

    async def _reaction(self, event: dict[str, Any], body: dict[str, Any], context: Any,
                        withdraw: bool) -> None:
        item = event.get("item", {})
        vote = VOTE_REACTIONS.get(reaction_name(event.get("reaction", "")))
        if not self.settings.slack.reactions_endorse or vote is None or item.get("type") != "message":
            return
        request = await self.request(context, event["user"], item["channel"], None,
                                     f"event:{body['event_id']}")
        reply = await self.core.vote_message(request, item["ts"], vote, withdraw)
        if reply is not None and reply.message.kind == "error":
            log.info("reaction by %s on %s not counted", event["user"], item["ts"])  # the reason at DEBUG:
            log.debug("reaction not counted: %s", reply.message.text)  # it may quote a side's name
