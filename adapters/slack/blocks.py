"""Core messages as Block Kit, split to fit Slack's limits, always with a plain-text fallback.

Limits: section text 3,000; header 150; 50 blocks per message; 40,000 characters of top-level text;
25 elements per actions block; button text 75, action_id 255, value 2,000.
Member text is neutralised here (`neutralise`): &, < and > escaped, so nothing in it can form a mention
(<@U1>, <!channel>, <!subteam^S1>), a channel link or a hidden link (<url|shown>); and @channel, @here,
@everyone broken, which Slack links when a message is posted with link_names. Plain-text parts (header,
button) are shown literally by Slack and are not escaped.
"""

from __future__ import annotations

import re
from typing import Any

from adapters.text import split_text
from bot.platform import Message, bars, encode_button

SECTION, HEADER, BLOCKS, TEXT_TOTAL, FALLBACK = 3000, 150, 50, 40000, 3000
STYLES = {"primary": "primary", "danger": "danger", "success": "primary"}


_BROADCAST = re.compile(r"@(?=channel|here|everyone)", re.IGNORECASE)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def neutralise(text: str) -> str:
    """Member text made inert in Slack's mrkdwn and top-level text."""
    return _BROADCAST.sub("@\u200b", escape(text))


def mrkdwn(text: str) -> str:
    """The core writes **bold** and `code`; Slack's mrkdwn writes *bold*."""
    return re.sub(r"\*\*(.+?)\*\*", r"*\1*", neutralise(text))


def _section(text: str) -> list[dict[str, Any]]:
    # verbatim: Slack links nothing by itself in member text (URLs, #channels, @handles stay as typed)
    return [{"type": "section", "text": {"type": "mrkdwn", "text": part, "verbatim": True}}
            for part in split_text(text, SECTION)]


def button(b: Any) -> dict[str, Any]:
    element = {"type": "button", "text": {"type": "plain_text", "text": b.label[:75], "emoji": True},
               "action_id": encode_button(b), "value": encode_button(b)}
    if b.style in STYLES:
        element["style"] = STYLES[b.style]
    return element


def content_blocks(message: Message) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if message.title:
        blocks.append({"type": "header", "text": {"type": "plain_text", "text": message.title[:HEADER]}})
    blocks += _section(mrkdwn(message.text) or " ")
    for f in message.fields:
        blocks += _section(f"*{neutralise(f.name)}*\n{mrkdwn(f.value)}")
    if message.chart:
        blocks += _section("```" + neutralise("\n".join(bars(message.chart))) + "```")
    if message.footer:
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": mrkdwn(message.footer)[:SECTION], "verbatim": True}]})  # a name in it
    return blocks


def fallback(message: Message) -> str:
    """The plain text notifications and screen readers show: no markup, the title once."""
    body = message.text if not message.text.startswith(message.title or "\0") else message.text[
        len(message.title):].lstrip()
    text = "\n".join(filter(None, [message.title, body]))
    return re.sub(r"\*\*(.+?)\*\*", r"\1", neutralise(text))[:FALLBACK]


def messages(message: Message) -> list[dict[str, Any]]:
    """chat.postMessage arguments (text + blocks) for each Slack message needed; buttons on the last."""
    blocks = content_blocks(message)
    if message.buttons:
        for start in range(0, len(message.buttons), 25):
            blocks.append({"type": "actions", "elements": [button(b) for b in message.buttons[start:start + 25]]})
    chunks = [blocks[i:i + BLOCKS] for i in range(0, len(blocks), BLOCKS)] or [[]]
    text = fallback(message)
    return [{"text": text if i == 0 else f"{text[:200]} (continued)", "blocks": chunk}
            for i, chunk in enumerate(chunks)]
