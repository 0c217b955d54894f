"""Discord interactions to core commands and replies back: slash commands, buttons, forms, autocomplete.

Acknowledge fast: slow commands are deferred before the core starts (their work may hold the event loop);
any other command is deferred if the core has not answered within two seconds (Discord's deadline is
three). Errors a member caused are shown only to them, even after a public deferral.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Any

import discord

from adapters.discord import modals
from adapters.discord.permissions import reason_of, start_refusal
from adapters.forms import field_error
from adapters.discord.commands import read_invocation
from adapters.discord.render import sends
from adapters.text import channel_id
from bot.platform import (BY_NAME, Actor, Core, Form, Message, Reply, Request, Settings, SpaceRef,
                          decode_button, shorten)

log = logging.getLogger("steelman.discord")
DEFER_AFTER = 2.0
PUBLIC_COMMANDS = {"steelman"}
REMEMBERED = 1000  # raw channel ids and started debates kept for answering later; older ones are dropped


class Interactions:
    def __init__(self, core: Core, settings: Settings):
        self.core = core
        self.settings = settings
        self.raw_channels: dict[int, str] = {}  # interaction id -> the payload's `channel_id`
        self.starts: dict[tuple[str, str], list[discord.Interaction]] = {}  # (guild, channel) -> starts

    def remember(self, data: dict[str, Any]) -> None:
        """Keep the payload's `channel_id`: discord.py reads the channel only from a `channel` object,
        which Discord may leave out."""
        if len(self.raw_channels) >= REMEMBERED:
            self.raw_channels.pop(next(iter(self.raw_channels)))
        if data.get("channel_id") and str(data.get("id", "")).isdigit():
            self.raw_channels[int(data["id"])] = str(data["channel_id"])

    def channel_id(self, interaction: discord.Interaction) -> str:
        if interaction.channel_id is not None:
            return str(interaction.channel_id)
        return self.raw_channels.get(interaction.id, "")

    def request(self, interaction: discord.Interaction) -> Request:
        channel, here = interaction.channel, self.channel_id(interaction)
        parent = getattr(channel, "parent_id", None)
        channel_id, thread_id = (str(parent), here) if parent else (here, None)
        guild = interaction.guild
        space = SpaceRef("discord", str(interaction.guild_id), guild.name if guild else "")
        user = interaction.user
        actor = Actor(str(user.id), getattr(user, "display_name", user.name), self.is_moderator(interaction),
                      getattr(user, "joined_at", None))  # a Member's: votes may need a minimum age
        return Request(space, actor, channel_id, thread_id, f"interaction:{interaction.id}")

    def is_moderator(self, interaction: discord.Interaction) -> bool:
        perms = interaction.permissions
        if perms.manage_guild or perms.manage_threads or perms.administrator:
            return True
        wanted = set(self.settings.discord.moderator_roles)
        roles = getattr(interaction.user, "roles", [])
        return any(role.name in wanted or str(role.id) in wanted for role in roles)

    async def handle(self, interaction: discord.Interaction) -> None:
        if interaction.guild_id is None:
            await interaction.response.send_message("Steelman runs debates in servers, not in direct messages.")
            return
        kind = interaction.type
        data: dict[str, Any] = interaction.data or {}
        if kind is discord.InteractionType.application_command:
            name, values, _ = read_invocation(data)
            await self.run(interaction, name, values)
        elif kind is discord.InteractionType.autocomplete:
            await self.autocomplete(interaction, data)
        elif kind is discord.InteractionType.component:
            await self.click(interaction, data.get("custom_id", ""))
        elif kind is discord.InteractionType.modal_submit:
            found = modals.submitted(data)
            if found:
                command, typed, fixed = found
                form = modals.form_of(command, fixed, self.settings.limits)
                await self.run(interaction, command, {**typed, **fixed}, form)

    async def click(self, interaction: discord.Interaction, custom_id: str) -> None:
        decoded = decode_button(custom_id)
        if decoded is None:  # a button of an older message whose id no longer decodes: said, not dropped
            return await self.respond(interaction, UNKNOWN_BUTTON, deferred=False)
        command, args, is_form = decoded
        if is_form:
            number = str(args.get("debate", ""))
            request = self.request(interaction)
            debate = await self.core.debate_for(request, int(number) if number.isdigit() else None)
            await interaction.response.send_modal(modals.modal(command, args, self.settings.limits, debate))
        else:
            await self.run(interaction, command, args)

    async def run(self, interaction: discord.Interaction, name: str, values: dict[str, Any],
                  form: Form | None = None) -> None:
        """Run a command; from a form, a refused value is answered under the field it was typed in."""
        command = BY_NAME.get(name)
        if isinstance(values.get("channel"), str):
            values = {**values, "channel": channel_id(values["channel"])}
        request = self.request(interaction)
        if not request.channel_id:
            return await self.respond(interaction, refusal("I can't tell which channel this is."), False)
        refused = start_refusal(interaction) if name == "debate start" else None
        if refused:  # checked before the core records anything: no debate nobody could see
            return await self.respond(interaction, refusal(refused), deferred=False)
        public = name in PUBLIC_COMMANDS
        if command is not None and command.slow:
            await interaction.response.defer(ephemeral=not public, thinking=True)
            reply = under_field(await self.core.execute(request, name, values), form)
            await self.respond(interaction, reply, deferred=True, deferred_public=public)
            return
        task = asyncio.ensure_future(self.core.execute(request, name, values))
        done, _ = await asyncio.wait({task}, timeout=DEFER_AFTER)
        if not done:
            await interaction.response.defer(ephemeral=not public, thinking=True)
        reply = under_field(await task, form)
        await self.respond(interaction, reply, deferred=not done, deferred_public=public)
        if name == "debate start" and reply.message.kind != "error":
            self._started(request, interaction)

    def _started(self, request: Request, interaction: discord.Interaction) -> None:
        """Keep the start's interaction: its token can still reach the moderator if the card is refused."""
        key = (request.space.external_id, request.channel_id)
        if sum(map(len, self.starts.values())) >= REMEMBERED:
            self.starts.pop(next(iter(self.starts)))
        self.starts.setdefault(key, []).append(interaction)

    async def tell_refused(self, item: Any, exc: BaseException) -> None:
        """The card of a debate started here was refused for good (the core cancels the debate): the
        moderator who started it hears why, privately, where they typed the command."""
        waiting = self.starts.get((item.space.external_id, item.out.channel_id)) or []
        if not waiting:
            return
        interaction = waiting.pop(0)
        title = item.out.message.title if item.out.message is not None else None
        text = (f"I could not show {title or 'the debate'}: {reason_of(exc)}. I cancelled it; "
                "start it again once that is fixed.")
        try:
            for part in sends(refusal(text).message):
                await interaction.followup.send(**part, ephemeral=True)
        except discord.HTTPException as error:  # the token may have expired (15 minutes)
            log.warning("could not tell %s about the refused card: %s", interaction.user.id, error)

    async def respond(self, interaction: discord.Interaction, reply: Reply, deferred: bool,
                      deferred_public: bool = False) -> None:
        parts = sends(reply.message)
        private = reply.ephemeral or reply.message.kind == "error"
        if deferred and private != (not deferred_public):
            # A "thinking..." keeps its visibility: remove it and answer as the reply asks, public or not.
            await interaction.delete_original_response()
            for part in parts:
                await interaction.followup.send(**part, ephemeral=private)
            return
        first, rest = parts[0], parts[1:]
        if deferred:
            if "files" in first:  # an edit takes uploads as `attachments`
                first = dict(first)
                first["attachments"] = first.pop("files")
            await interaction.edit_original_response(**first)
        else:
            await interaction.response.send_message(**first, ephemeral=private)
        for more in rest:
            await interaction.followup.send(**more, ephemeral=private)

    async def autocomplete(self, interaction: discord.Interaction, data: dict[str, Any]) -> None:
        name, values, focused = read_invocation(data)
        request = self.request(interaction)
        choices: list[discord.app_commands.Choice] = []
        if focused == "debate":
            typed = str(values.get("debate") or "").strip().lstrip("#").lower()
            for debate in await self.core.debates(request):
                label = f"#{debate.number} {debate.motion}"
                if typed in str(debate.number) or typed in debate.motion.lower():
                    choices.append(discord.app_commands.Choice(name=shorten(label, 100), value=debate.number))
            choices = choices[:25]
        elif focused == "side":
            number = values.get("debate")
            debate = await self.core.debate_for(request, int(number) if str(number or "").isdigit() else None)
            typed = str(values.get("side") or "").lower()
            keys = list(debate.side_keys) + (["undecided"] if name == "position" else []) if debate else []
            choices = [discord.app_commands.Choice(name=k, value=k) for k in keys if typed in k][:25]
        await interaction.response.autocomplete(choices)


UNKNOWN_BUTTON = Reply(Message("That button is not one I know (from an older message?). Nothing was done; "
                               "use the buttons on the debate's card, or /help.", kind="error"))


def refusal(text: str) -> Reply:
    return Reply(Message(text, kind="error"))


def under_field(reply: Reply, form: Form | None) -> Reply:
    """A form's refusal as Discord can show it: a modal closes on submit, so the answer is titled with
    the field's label, above the core's words (the same words Slack shows under that field)."""
    found = field_error(reply, form) if form is not None else None
    if found is None:
        return reply
    field, text = found
    return replace(reply, message=replace(reply.message, title=field.label, text=text))
