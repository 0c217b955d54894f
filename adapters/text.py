"""Text helpers that only adapters need: splitting a long text to fit a platform's message parts."""

from __future__ import annotations

import re


def split_text(text: str, limit: int) -> list[str]:
    """Split at line ends (then spaces) so that no piece is over `limit`; platforms cap message parts."""
    out: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        if cut <= 0:
            cut = text.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        out.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return out + ([text] if text else [])


_CHANNEL_MENTION = {
    "discord": re.compile(r"^\s*<#(\d+)>\s*$"),
    "slack": re.compile(r"(channel:\s*)<#([A-Z0-9]+)(?:\|[^>]*)?>"),
}


def channel_id(value: str) -> str:
    """Discord: a `channel` option typed as a mention (`<#123>`) becomes the channel's id, which is how
    the core names channels; anything else is left as typed."""
    found = _CHANNEL_MENTION["discord"].match(value)
    return found.group(1) if found else value


def channel_ids_in_command(line: str) -> str:
    """Slack: `channel:<#C123|general>` in a slash command's text becomes `channel:C123` (only that
    option: member text stays as typed)."""
    return _CHANNEL_MENTION["slack"].sub(lambda m: m.group(1) + m.group(2), line)
