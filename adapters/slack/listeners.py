"""Slack events to core commands and replies back: slash commands, buttons, modals, reactions.

Every listener acknowledges first (Slack's deadline is three seconds), then calls the core. Each request
carries Slack's own id (trigger_id, view id, event_id) so a retry or a second delivery counts once.
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
from adapters.slack.blocks import messages
from bot.platform import (BUTTON_PREFIX, CATALOG, Actor, Button, Core, FormLimits, Reply, Request,
                          Settings, SpaceRef, clean, decode_button, encode_button, form_for)

log = logging.getLogger("steelman.slack")
ENDORSE_REACTIONS = {"+1", "thumbsup"}
PROFILE_TTL = 300.0
ANSWER_IN_FORM_WITHIN = 2.0  # Slack closes a form it has not heard back about within three seconds
FORM = FormLimits(fields=10, title=24, label=2000, placeholder=150)  # Slack: a view title holds 24
OURS = re.compile(r"^" + BUTTON_PREFIX + r":")  # our buttons and forms; anything else is not ours


def slash_commands() -> list[str]:
    return sorted({f"/{c.path[0]}" for c in CATALOG})


class Listeners:
    def __init__(self, core: Core, settings: Settings, client: AsyncWebClient):
        self.core, self.settings, self.client = core, settings, client
        self._profiles: dict[str, tuple[float, str, bool]] = {}

    def register(self, app: AsyncApp) -> None:
        for name in slash_commands():
            app.command(name)(self.on_command)
        app.action(OURS)(self.on_action)
        app.view(OURS)(self.on_view)
        app.event("reaction_added")(self.on_reaction_added)
        app.event("reaction_removed")(self.on_reaction_removed)

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

    async def request(self, team: str, domain: str, user: str, channel: str, thread: str | None,
                      key: str | None) -> Request:
        name, moderator = await self.profile(user)
        return Request(SpaceRef("slack", team, domain), Actor(user, name, moderator), channel, thread, key)

    # ---- slash commands ------------------------------------------------------------------------------

    async def on_command(self, ack, command: dict[str, Any], respond) -> None:
        await ack()
        request = await self.request(command["team_id"], command.get("team_domain", ""), command["user_id"],
                                     command["channel_id"], None, f"command:{command['trigger_id']}")
        reply = await self.core.execute_text(request, f"{command['command']} {command.get('text', '')}")
        await self.answer(respond, reply)

    async def answer(self, respond, reply: Reply) -> None:
        kind = "ephemeral" if reply.ephemeral or reply.message.kind == "error" else "in_channel"
        for part in messages(reply.message):
            await respond(response_type=kind, replace_original=False, **part)

    # ---- buttons and forms ---------------------------------------------------------------------------

    async def on_action(self, ack, body: dict[str, Any], action: dict[str, Any], respond) -> None:
        await ack()
        decoded = decode_button(action["action_id"])
        if decoded is None:
            return
        command, args, is_form = decoded
        channel = body.get("channel", {}).get("id", "")
        thread = body.get("message", {}).get("thread_ts")
        if is_form:  # open at once: the trigger expires three seconds after the click
            await self.client.views_open(trigger_id=body["trigger_id"], view=self.modal(command, args, channel, thread))
            return
        team = body.get("team", {}) or {}
        request = await self.request(team.get("id", body["user"].get("team_id", "")), team.get("domain", ""),
                                     body["user"]["id"], channel, thread, f"action:{body['trigger_id']}")
        await self.answer(respond, await self.core.execute(request, command, args))

    def modal(self, command: str, fixed: dict[str, Any], channel: str, thread: str | None) -> dict[str, Any]:
        form = form_for(command, fixed, self.settings.limits, FORM)
        blocks = []
        for f in form.fields:
            element: dict[str, Any] = {"type": "plain_text_input", "action_id": f.name, "multiline": f.long,
                                       "placeholder": {"type": "plain_text", "text": f.placeholder[:150]}}
            if f.max_length:
                element["max_length"] = min(f.max_length, 3000)
            blocks.append({"type": "input", "block_id": f.name, "optional": not f.required, "element": element,
                           "label": {"type": "plain_text", "text": f.label}})
        return {"type": "modal", "callback_id": encode_button(Button(form.title, command, form.fixed, form=True)),
                "title": {"type": "plain_text", "text": form.title[:24]},
                "submit": {"type": "plain_text", "text": "Post"},
                "private_metadata": json.dumps({"channel": channel, "thread": thread}), "blocks": blocks}

    async def on_view(self, ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        decoded = decode_button(view["callback_id"])
        if decoded is None:
            await ack()
            return
        command, fixed, _ = decoded
        where = json.loads(view.get("private_metadata") or "{}")
        values = {action_id: data.get("value") for block in view["state"]["values"].values()
                  for action_id, data in block.items() if data.get("value")}
        user = body["user"]
        request = await self.request(user.get("team_id", body.get("team", {}).get("id", "")), "", user["id"],
                                     where.get("channel", ""), where.get("thread"), f"view:{view['id']}")
        task = asyncio.ensure_future(self.core.execute(request, command, {**values, **fixed}))
        done, _ = await asyncio.wait({task}, timeout=ANSWER_IN_FORM_WITHIN)
        if done and task.result().message.kind == "error":
            # Keep the form open with the member's text, the mistake shown under the field it concerns
            # (the option the core names; the first field when it names none).
            form = form_for(command, fixed, self.settings.limits, FORM)
            found = field_error(task.result(), form)
            block = found[0].name if found else next(iter(view["state"]["values"]), "text")
            await ack(response_action="errors", errors={block: task.result().message.text})
            return
        await ack()
        reply = await task
        for part in messages(reply.message):
            await self.client.chat_postEphemeral(channel=where.get("channel"), user=user["id"],
                                                 thread_ts=where.get("thread"), **part)

    # ---- reactions -----------------------------------------------------------------------------------

    async def on_reaction_added(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        await self._reaction(event, body, withdraw=False)

    async def on_reaction_removed(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        await self._reaction(event, body, withdraw=True)

    async def _reaction(self, event: dict[str, Any], body: dict[str, Any], withdraw: bool) -> None:
        item = event.get("item", {})
        if not self.settings.slack.reactions_endorse or event.get("reaction") not in ENDORSE_REACTIONS \
                or item.get("type") != "message":
            return
        request = await self.request(body["team_id"], "", event["user"], item["channel"], None,
                                     f"event:{body['event_id']}")
        reply = await self.core.endorse_message(request, item["ts"], withdraw)
        if reply is not None and reply.message.kind == "error":
            log.info("reaction by %s not counted: %s", event["user"], reply.message.text)

