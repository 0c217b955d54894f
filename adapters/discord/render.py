"""Core messages as Discord embeds and buttons, split to fit Discord's limits instead of being refused.

Limits: content 2,000; embed title 256, description 4,096, 25 fields, field name 256 and value 1,024,
footer 2,048, 6,000 characters across all embeds of one message, 10 embeds per message; 5 buttons per row,
5 rows, button label 80.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import discord

from bot import button_ids
from bot.messages import Message
from bot.render import bars
from bot.cleaning import shorten, split_text

COLOURS = {"card": 0x3B82F6, "argument": 0x64748B, "announcement": 0xF59E0B, "results": 0x10B981,
           "steelman": 0x8B5CF6, "error": 0xEF4444, "info": 0x94A3B8}
MESSAGE_TOTAL, EMBEDS, FIELDS, FIELD_VALUE, DESCRIPTION, TITLE, FIELD_NAME, FOOTER = (
    6000, 10, 25, 1024, 4096, 256, 256, 2048)


@dataclass
class Part:
    embeds: list[discord.Embed] = field(default_factory=list)
    size: int = 0


_BROADCAST = re.compile(r"@(everyone|here)", re.IGNORECASE)
_ANGLE = re.compile(r"<([@#/:]|a?:|t:|id:)")
_ZWSP = "\u200b"


def neutralise(text: str) -> str:
    """Discord's mention syntax made inert: @everyone, @here, <@user>, <@&role>, <#channel>, </command:id>,
    <t:...>, <id:...>; a zero-width space after the sigil keeps the text readable."""
    text = _BROADCAST.sub(lambda m: "@" + _ZWSP + m.group(1), text)
    return _ANGLE.sub(lambda m: "<" + _ZWSP + m.group(1), text)


def _fields(message: Message) -> list[tuple[str, str, bool]]:
    fields = []
    for f in message.fields:
        for i, piece in enumerate(split_text(f.value or "-", FIELD_VALUE)):
            name = f.name if i == 0 else f"{f.name} (cont.)"
            fields.append((shorten(name or "-", FIELD_NAME), piece, f.inline))
    if message.chart:
        chart = "\n".join(bars(message.chart)[1:])[: FIELD_VALUE - 8]
        fields.append((shorten(message.chart.title, FIELD_NAME), f"```\n{chart}\n```", False))
    return fields


def embeds(message: Message) -> list[list[discord.Embed]]:
    """Embeds grouped per Discord message, each group within the per-message limits."""
    colour = COLOURS.get(message.kind, COLOURS["info"])
    parts: list[Part] = []

    def new_embed(title: str | None, description: str | None, size: int = 0) -> discord.Embed:
        """An embed in the current message, or in a new one when `size` more characters would not fit."""
        size += len(title or "") + len(description or "")
        if not parts or len(parts[-1].embeds) >= EMBEDS or parts[-1].size + size > MESSAGE_TOTAL:
            parts.append(Part())
        embed = discord.Embed(title=title, description=description, colour=colour)
        parts[-1].embeds.append(embed)
        parts[-1].size += len(title or "") + len(description or "")
        return embed

    descriptions = split_text(message.text, DESCRIPTION) or ["-"]
    embed = new_embed(shorten(message.title, TITLE) if message.title else None, descriptions[0])
    for more in descriptions[1:]:
        embed = new_embed(None, more)
    for name, value, inline in _fields(message):
        size = len(name) + len(value)
        if len(embed.fields) >= FIELDS or parts[-1].size + size > MESSAGE_TOTAL:
            embed = new_embed(None, None, size)
        embed.add_field(name=name, value=value, inline=inline)
        parts[-1].size += size
    if message.footer:
        footer = shorten(message.footer, FOOTER)
        if parts[-1].size + len(footer) > MESSAGE_TOTAL:
            embed = new_embed(None, None, len(footer))
        embed.set_footer(text=footer)
        parts[-1].size += len(footer)
    return [p.embeds for p in parts]


class StaticView(discord.ui.View):
    """Buttons whose ids carry what they act on; clicks are handled by the client's interaction handler,
    so they work for messages sent before a restart too. Not stored in discord.py's view store."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    def is_dispatchable(self) -> bool:
        return False


STYLES = {"primary": discord.ButtonStyle.primary, "secondary": discord.ButtonStyle.secondary,
          "success": discord.ButtonStyle.success, "danger": discord.ButtonStyle.danger}


def view(message: Message) -> StaticView | None:
    if not message.buttons:
        return None
    result = StaticView()
    for i, button in enumerate(message.buttons[:25]):
        result.add_item(discord.ui.Button(label=shorten(button.label, 80), custom_id=button_ids.encode(button, 100),
                                          style=STYLES.get(button.style, discord.ButtonStyle.secondary),
                                          row=i // 5))
    return result


NO_MENTIONS = discord.AllowedMentions.none()


def sends(message: Message) -> list[dict[str, Any]]:
    """Keyword arguments for each Discord message needed to show `message`; buttons go on the last."""
    groups = embeds(message)
    out = [{"embeds": group, "allowed_mentions": NO_MENTIONS} for group in groups]
    buttons = view(message)
    if buttons is not None:
        out[-1]["view"] = buttons
    return out


def edit(message: Message) -> dict[str, Any]:
    """Keyword arguments to edit a posted message into `message` (a card: always one Discord message).
    The view is always given, so buttons the new version no longer has (a closed debate's votes) go."""
    return {"embeds": embeds(message)[0], "allowed_mentions": NO_MENTIONS, "view": view(message)}
