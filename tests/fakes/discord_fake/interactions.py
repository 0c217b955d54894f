"""Interaction responses: the callback endpoint and the interaction webhook (followups, @original).

What Discord enforces and the fake enforces too:
- the initial response must arrive within `ack_deadline` seconds of the dispatch (3 s on Discord),
  otherwise 404 / 10062 "Unknown interaction";
- only one initial response: a second one gets 400 / 40060;
- callback types must fit the interaction (autocomplete only answers autocomplete, and so on);
- followups need an acknowledged interaction and a token younger than 15 minutes;
- the first followup after a deferred reply ("thinking...") edits that reply instead of posting anew.
These routes carry no Authorization header in discord.py: the interaction token is the credential.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from . import limits
from .context import APPLICATION_COMMAND, AUTOCOMPLETE, COMPONENT, MODAL_SUBMIT, Context, Interaction
from .messages import LOADING, StoredMessage
from .wire import (UNKNOWN_INTERACTION, UNKNOWN_MESSAGE, UNKNOWN_WEBHOOK, DiscordError, json_body,
                   no_content, not_found, read_body, snowflake_arg)

PONG, MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, AUTOCOMPLETE_RESULT, MODAL = 1, 4, 5, 6, 7, 8, 9
ALLOWED_CALLBACKS = {
    APPLICATION_COMMAND: {MESSAGE, DEFERRED_MESSAGE, MODAL},
    COMPONENT: {MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL},
    AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
    MODAL_SUBMIT: {MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE},
}


class InteractionRoutes:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def register(self, router: web.UrlDispatcher, base: str) -> None:
        hook = base + "/webhooks/{app_id}/{token}"
        router.add_post(base + "/interactions/{interaction_id}/{token}/callback", self.callback)
        router.add_post(hook, self.followup)
        for method in ("GET", "PATCH", "DELETE"):
            router.add_route(method, hook + "/messages/{message_id}", self.webhook_message)

    # -- the initial response ----------------------------------------------------------------------

    async def callback(self, request: web.Request) -> web.Response:
        interaction = self.ctx.interactions.get(snowflake_arg(request, "interaction_id"))
        if interaction is None or interaction.token != request.match_info["token"]:
            raise not_found(UNKNOWN_INTERACTION, "interaction")
        if interaction.acknowledged:
            raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
        if asyncio.get_running_loop().time() - interaction.created > self.ctx.ack_deadline:
            raise not_found(UNKNOWN_INTERACTION, "interaction")
        body, files = await read_body(request)
        kind, data = int((body or {}).get("type") or 0), (body or {}).get("data") or {}
        limits.check_files(files)
        self._validate(interaction, kind, data, bool(files))
        interaction.response_type = kind
        message = await self._apply(interaction, kind, data, files)
        if request.query.get("with_response") not in ("1", "true", "True"):
            return no_content()
        return json_body(self._callback_response(interaction, kind, message))

    def _validate(self, interaction: Interaction, kind: int, data: dict[str, Any], has_files: bool) -> None:
        allowed = ALLOWED_CALLBACKS.get(interaction.type, set())
        if kind in (DEFERRED_UPDATE, UPDATE_MESSAGE) and interaction.message_id is None:
            allowed = allowed - {DEFERRED_UPDATE, UPDATE_MESSAGE}  # a modal not opened from a component
        if kind not in allowed:
            errors = limits.Errors()
            errors.add(("type",), "INTERACTION_RESPONSE_TYPE_INVALID",
                       f"Callback type {kind} is not valid for interaction type {interaction.type}")
            errors.raise_if_any()
        if kind == MESSAGE:
            limits.check_message(data, has_files=has_files)
        elif kind == UPDATE_MESSAGE:
            limits.check_message(data, has_files=has_files, partial=True)
        elif kind == MODAL:
            limits.check_modal(data)
        elif kind == AUTOCOMPLETE_RESULT:
            limits.check_autocomplete(data)

    async def _apply(self, interaction: Interaction, kind: int, data: dict[str, Any],
                     files: list[Any]) -> StoredMessage | None:
        ctx = self.ctx
        if kind in (MESSAGE, DEFERRED_MESSAGE):
            body = dict(data)
            if kind == DEFERRED_MESSAGE:  # Discord shows "thinking..." until the reply is edited
                body = {"flags": int(data.get("flags") or 0)}
            message = ctx.messages.create(ctx.channel(interaction.channel_id), ctx.world.bot, body, files,
                                          **self._message_extra(interaction))
            if kind == DEFERRED_MESSAGE:
                message.flags |= LOADING
            interaction.original_id = message.id
            await ctx.announce_message(message)
            return message
        if kind in (DEFERRED_UPDATE, UPDATE_MESSAGE):
            interaction.original_id = interaction.message_id
            message = ctx.messages.by_id[interaction.message_id]  # type: ignore[index]
            if kind == UPDATE_MESSAGE:
                ctx.messages.edit(message, data, files)
                await ctx.announce_message(message, "MESSAGE_UPDATE")
            return message
        if kind == MODAL:
            interaction.modal = data
        return None

    def _message_extra(self, interaction: Interaction) -> dict[str, Any]:
        user = self.ctx.world.users[interaction.user_id].payload()
        return {"webhook_id": str(self.ctx.world.app_id), "application_id": str(self.ctx.world.app_id),
                "interaction_metadata": {"id": str(interaction.id), "type": interaction.type, "user": user,
                                         "authorizing_integration_owners": {"0": str(interaction.guild_id)}}}

    def _callback_response(self, interaction: Interaction, kind: int,
                           message: StoredMessage | None) -> dict[str, Any]:
        summary: dict[str, Any] = {"id": str(interaction.id), "type": interaction.type}
        resource: dict[str, Any] = {"type": kind}
        if message is not None:
            summary.update(response_message_id=str(message.id),
                           response_message_loading=bool(message.flags & LOADING),
                           response_message_ephemeral=message.ephemeral)
            resource["message"] = self.ctx.messages.payload(message)
        return {"interaction": summary, "resource": resource}

    # -- the interaction webhook -------------------------------------------------------------------

    def _by_token(self, request: web.Request) -> Interaction:
        interaction = self.ctx.interaction_by_token(snowflake_arg(request, "app_id"), request.match_info["token"])
        if interaction is None or not interaction.acknowledged:
            raise not_found(UNKNOWN_WEBHOOK, "Webhook")
        if asyncio.get_running_loop().time() - interaction.created > self.ctx.token_lifetime:
            raise DiscordError(401, 50027, "Invalid Webhook Token")
        return interaction

    async def followup(self, request: web.Request) -> web.Response:
        interaction = self._by_token(request)
        body, files = await read_body(request)
        body = body or {}
        limits.check_message(body, has_files=bool(files))
        limits.check_files(files)
        original = self.ctx.messages.by_id.get(interaction.original_id or 0)
        # Once the "thinking..." reply is deleted, a followup is a message of its own, with its own flags.
        if original is not None and not original.deleted and original.flags & LOADING:
            body = {k: v for k, v in body.items() if k != "flags"}  # the deferral decided ephemerality
            self.ctx.messages.edit(original, body, files)
            message = original
            await self.ctx.announce_message(message, "MESSAGE_UPDATE")
        else:
            thread_id = request.query.get("thread_id")
            channel = self.ctx.channel(int(thread_id) if thread_id else interaction.channel_id)
            message = self.ctx.messages.create(channel, self.ctx.world.bot, body, files,
                                               **self._message_extra(interaction))
            interaction.followup_ids.append(message.id)
            await self.ctx.announce_message(message)
        if request.query.get("wait") in ("1", "true", "True"):
            return json_body(self.ctx.messages.payload(message))
        return no_content()

    async def webhook_message(self, request: web.Request) -> web.Response:
        interaction = self._by_token(request)
        message = self._webhook_target(interaction, request.match_info["message_id"])
        if request.method == "GET":
            return json_body(self.ctx.messages.payload(message))
        if request.method == "DELETE":
            message.deleted = True
            await self.ctx.announce("MESSAGE_DELETE", {"id": str(message.id), "channel_id": str(
                message.channel_id), "guild_id": str(message.guild_id)})
            return no_content()
        body, files = await read_body(request)
        limits.check_message(body or {}, has_files=bool(files), partial=True)
        limits.check_files(files)
        self.ctx.messages.edit(message, body or {}, files)
        await self.ctx.announce_message(message, "MESSAGE_UPDATE")
        return json_body(self.ctx.messages.payload(message))

    def _webhook_target(self, interaction: Interaction, raw_id: str) -> StoredMessage:
        # discord.py percent-encodes "@original" in the path; accept either spelling.
        if raw_id in ("@original", "%40original"):
            message_id = interaction.original_id
        else:
            message_id = int(raw_id) if raw_id.isdigit() else None
            if message_id not in {interaction.original_id, *interaction.followup_ids}:
                message_id = None
        message = self.ctx.messages.by_id.get(message_id or 0)
        if message is None or message.deleted:
            raise not_found(UNKNOWN_MESSAGE, "Message")
        return message
