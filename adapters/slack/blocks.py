"""Core messages as Block Kit, split to fit Slack's limits, always with a plain-text fallback.

Limits: section text 3,000; header 150; 50 blocks per message; 40,000 characters of top-level text;
25 elements per actions block; button text 75, action_id 255, value 2,000.
User text is escaped (&, <, >) so nothing in it can form a mention or a link.
"""

from __future__ import annotations

import re
from typing import Any

from bot import button_ids
from bot.messages import Message
from bot.render import bars
from bot.cleaning import split_text

SECTION, HEADER, BLOCKS, TEXT_TOTAL, FALLBACK = 3000, 150, 50, 40000, 3000
STYLES = {"primary": "primary", "danger": "danger", "success": "primary"}


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: str) -> str:
    """The core writes **bold** and `code`; Slack's mrkdwn writes *bold*."""
    return re.sub(r"\*\*(.+?)\*\*", r"*\1*", escape(text))


def _section(text: str) -> list[dict[str, Any]]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": part}} for part in split_text(text, SECTION)]


def button(b: Any) -> dict[str, Any]:
    element = {"type": "button", "text": {"type": "plain_text", "text": b.label[:75], "emoji": True},
               "action_id": button_ids.encode(b), "value": button_ids.encode(b)}
    if b.style in STYLES:
        element["style"] = STYLES[b.style]
    return element


def content_blocks(message: Message) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if message.title:
        blocks.append({"type": "header", "text": {"type": "plain_text", "text": message.title[:HEADER]}})
    blocks += _section(mrkdwn(message.text) or " ")
    for f in message.fields:
        blocks += _section(f"*{escape(f.name)}*\n{mrkdwn(f.value)}")
    if message.chart:
        blocks += _section("```" + escape("\n".join(bars(message.chart))) + "```")
    if message.footer:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn(message.footer)[:SECTION]}]})
    return blocks


def fallback(message: Message) -> str:
    text = "\n".join(filter(None, [message.title, message.text]))
    return escape(text)[:FALLBACK]


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
