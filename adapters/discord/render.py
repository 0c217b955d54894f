"""Core messages as Discord embeds and buttons, split to fit Discord's limits instead of being refused.

Limits: content 2,000; embed title 256, description 4,096, 25 fields, field name 256 and value 1,024,
footer 2,048, 6,000 characters across all embeds of one message, 10 embeds per message; 5 buttons per row,
5 rows, button label 80; 10 attachments of up to 10 MiB each.
Member text is neutralised here (`neutralise`), on every piece of text sent.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field, replace
from typing import Any

import discord

from adapters.text import split_text
from bot.platform import Message, bars, encode_button, shorten

COLOURS = {"card": 0x3B82F6, "argument": 0x64748B, "announcement": 0xF59E0B, "results": 0x10B981,
           "opinion": 0x14B8A6, "steelman": 0x8B5CF6, "error": 0xEF4444, "info": 0x94A3B8}
MESSAGE_TOTAL, EMBEDS, FIELDS, FIELD_VALUE, DESCRIPTION, TITLE, FIELD_NAME, FOOTER = (
    6000, 10, 25, 1024, 4096, 256, 256, 2048)
CONTENT, FILES, FILE_BYTES = 2000, 10, 10 * 1024 * 1024  # attachments: 10 per message, 10 MiB each


@dataclass
class Part:
    embeds: list[discord.Embed] = field(default_factory=list)
    size: int = 0


_BROADCAST = re.compile(r"@(?=everyone|here)", re.IGNORECASE)
# <@user> <@!user> <@&role> <#channel> </command:id> <t:stamp> <id:guide> <:emoji:id> <a:emoji:id>
_ANGLE = re.compile(r"<(?=[@#/:]|a:|t:|id:)")
_MASKED_LINK = re.compile(r"\]\(")  # [shown](hidden url)
# a bare address, not already in <>: wrapped, so it stays a plain link that never unfurls into a preview
_BARE_URL = re.compile(r"(?<![<\w])(https?://[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"])", re.IGNORECASE)
_ZWSP = "\u200b"


def neutralise(text: str) -> str:
    """Discord's syntax in member text made inert: @everyone and @here, mentions of users, roles, channels
    and commands, timestamps, guide links, custom emoji, masked links; bare addresses are wrapped in <>.
    A zero-width space after the sigil keeps the text readable as typed; AllowedMentions.none() stays as
    the second guard."""
    text = _BROADCAST.sub("@" + _ZWSP, text)
    text = _ANGLE.sub("<" + _ZWSP, text)
    text = _BARE_URL.sub(r"<\1>", text)
    return _MASKED_LINK.sub("]" + _ZWSP + "(", text)


def inert(message: Message) -> Message:
    """`message` with every piece of text it shows neutralised: content, title, fields, footer, chart."""
    chart = message.chart
    if chart is not None:
        chart = replace(chart, title=neutralise(chart.title),
                        labels=tuple(map(neutralise, chart.labels)),
                        series=tuple((neutralise(name), values) for name, values in chart.series))
    fields = tuple(replace(f, name=neutralise(f.name), value=neutralise(f.value))
                   for f in message.fields)
    return replace(message, text=neutralise(message.text), fields=fields, chart=chart,
                   title=neutralise(message.title) if message.title else message.title,
                   footer=neutralise(message.footer) if message.footer else message.footer)


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


CUSTOM_ID = 100  # Discord's cap on a component's custom id


def side_number(message: Message, button: Any) -> int | None:
    """The number of the side a vote button names: a card lists its sides' buttons in the debate's
    order (undecided last, and not numbered), so the n-th is side n."""
    sides = [b for b in message.buttons if dict(b.args).get("side") not in (None, "undecided")]
    return sides.index(button) + 1 if button in sides else None


def view(message: Message) -> StaticView | None:
    if not message.buttons:
        return None
    result = StaticView()
    for i, button in enumerate(message.buttons[:25]):
        custom_id = encode_button(button, CUSTOM_ID, side_number(message, button))
        result.add_item(discord.ui.Button(label=shorten(button.label, 80), custom_id=custom_id,
                                          style=STYLES.get(button.style, discord.ButtonStyle.secondary),
                                          row=i // 5))
    return result


NO_MENTIONS = discord.AllowedMentions.none()


def sends(message: Message) -> list[dict[str, Any]]:
    """Keyword arguments for each Discord message needed to show `message`; buttons go on the last."""
    message = inert(message)
    groups = embeds(message)
    out = [{"embeds": group, "allowed_mentions": NO_MENTIONS} for group in groups]
    buttons = view(message)
    if buttons is not None:
        out[-1]["view"] = buttons
    files, too_large = attachments(message)
    if files:
        out[-1]["files"] = files
    if too_large:
        note = "Too large to attach here: " + ", ".join(too_large)
        out[-1]["content"] = neutralise(note)[:CONTENT]
    return out


def attachments(message: Message) -> tuple[list[discord.File], list[str]]:
    """The message's files as uploads (new each time: a discord.File is read once), and the names of
    those over Discord's size cap, which would make it refuse the whole message."""
    fits = [f for f in message.files if len(f.data) <= FILE_BYTES][:FILES]
    files = [discord.File(io.BytesIO(f.data), filename=f.name, description=f.media_type)
             for f in fits]
    return files, [f.name for f in message.files if f not in fits]


def edit(message: Message) -> dict[str, Any]:
    """Keyword arguments to edit a posted message into `message` (a card: always one Discord message).
    The view is always given, so buttons the new version no longer has (a closed debate's votes) go."""
    message = inert(message)
    return {"embeds": embeds(message)[0], "allowed_mentions": NO_MENTIONS, "view": view(message)}
