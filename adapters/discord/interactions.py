"""Discord interactions to core commands and replies back: slash commands, buttons, forms, autocomplete.

Acknowledge fast: slow commands are deferred at once; any other command is deferred if the core has not
answered within two seconds (Discord's deadline is three). Errors a member caused are shown only to them.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord

from adapters.discord.commands import read_invocation
from adapters.discord.render import sends
from bot import actions
from bot.commands import BY_NAME
from bot.config import Settings
from bot.core import Steelman
from bot.forms import form_for
from bot.handlers import Request
from bot.model import Actor, Button, Reply, SpaceRef

log = logging.getLogger("steelman.discord")
DEFER_AFTER = 2.0
PUBLIC_COMMANDS = {"steelman"}


def _values(components: list[dict[str, Any]]) -> dict[str, Any]:
    """Text input values of a submitted modal, whatever the nesting of rows or labels."""
    found: dict[str, Any] = {}
    for component in components:
        if "custom_id" in component and "value" in component:
            found[component["custom_id"]] = component["value"]
        for key in ("components", "component"):
            inner = component.get(key)
            if isinstance(inner, dict):
                inner = [inner]
            if inner:
                found.update(_values(inner))
    return found


class Interactions:
    def __init__(self, core: Steelman, settings: Settings):
        self.core = core
        self.settings = settings

    def request(self, interaction: discord.Interaction) -> Request:
        channel = interaction.channel
        parent = getattr(channel, "parent_id", None)
        channel_id, thread_id = (str(parent), str(interaction.channel_id)) if parent else (str(interaction.channel_id), None)
        guild = interaction.guild
        space = SpaceRef("discord", str(interaction.guild_id), guild.name if guild else "")
        user = interaction.user
        actor = Actor(str(user.id), getattr(user, "display_name", user.name), self.is_moderator(interaction))
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
            decoded = actions.decode(data.get("custom_id", ""))
            if decoded:
                command, fixed, _ = decoded
                values = {k: v for k, v in _values(data.get("components", [])).items() if str(v).strip()}
                await self.run(interaction, command, {**values, **fixed})

    async def click(self, interaction: discord.Interaction, custom_id: str) -> None:
        decoded = actions.decode(custom_id)
        if decoded is None:
            return  # not ours (another bot's component on a shared message cannot reach us, but be safe)
        command, args, is_form = decoded
        if is_form:
            await interaction.response.send_modal(self.modal(command, args))
        else:
            await self.run(interaction, command, args)

    def modal(self, command: str, fixed: dict[str, Any]) -> discord.ui.Modal:
        form = form_for(command, fixed, self.settings.limits)
        button = Button(form.title, command, form.fixed, form=True)
        modal = discord.ui.Modal(title=form.title, custom_id=actions.encode(button), timeout=None)
        for f in form.fields:
            style = discord.TextStyle.paragraph if f.long else discord.TextStyle.short
            modal.add_item(discord.ui.TextInput(label=f.label, custom_id=f.name, style=style, required=f.required,
                                                max_length=min(f.max_length or 4000, 4000),
                                                placeholder=f.placeholder))
        return modal

    async def run(self, interaction: discord.Interaction, name: str, values: dict[str, Any]) -> None:
        command = BY_NAME.get(name)
        public = name in PUBLIC_COMMANDS
        task = asyncio.ensure_future(self.core.execute(self.request(interaction), name, values))
        deferred = False
        if command is not None and command.slow:
            await interaction.response.defer(ephemeral=not public, thinking=True)
            deferred = True
        else:
            done, _ = await asyncio.wait({task}, timeout=DEFER_AFTER)
            if not done:
                await interaction.response.defer(ephemeral=True, thinking=True)
                deferred = True
        await self.respond(interaction, await task, deferred)

    async def respond(self, interaction: discord.Interaction, reply: Reply, deferred: bool) -> None:
        parts = sends(reply.message)
        ephemeral = reply.ephemeral or reply.message.kind == "error"
        first, rest = parts[0], parts[1:]
        if deferred:
            await interaction.edit_original_response(**first)
        else:
            await interaction.response.send_message(**first, ephemeral=ephemeral)
        for more in rest:
            await interaction.followup.send(**more, ephemeral=ephemeral)

    async def autocomplete(self, interaction: discord.Interaction, data: dict[str, Any]) -> None:
        name, values, focused = read_invocation(data)
        request = self.request(interaction)
        choices: list[discord.app_commands.Choice] = []
        if focused == "debate":
            for debate in (await self.core.debates(request))[:25]:
                choices.append(discord.app_commands.Choice(name=f"#{debate.number} {debate.motion}"[:100],
                                                           value=debate.number))
        elif focused == "side":
            number = values.get("debate")
            debate = await self.core.debate_for(request, int(number) if str(number or "").isdigit() else None)
            typed = str(values.get("side") or "").lower()
            keys = list(debate.side_keys) + (["undecided"] if name == "position" else []) if debate else []
            choices = [discord.app_commands.Choice(name=k, value=k) for k in keys if typed in k][:25]
        await interaction.response.autocomplete(choices)

