"""Hostile member text for property-based tests (issue 19, item 14), and checks that what the bot sends
renders nothing live on either platform (no ping, no mention, no hidden or unfurling link, no direction
override).

The checks render a core Message with each adapter's own renderer (`adapters.discord.render.sends`,
`adapters.slack.blocks.messages`), exactly as delivery does, and read the result."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import strategies as st

from adapters.discord.render import sends
from adapters.slack.blocks import messages as slack_messages
from bot.messages import Message

# Syntax of both platforms, invisible and direction characters, quotes of several kinds, SQL fragments.
PIECES = [
    "@everyone", "@here", "@everyone123", "@here_now", "@eve\x00ryone", "@\u200beveryone", "@channel",
    "<@123456789012345678>", "<@!1>", "<@&1>", "<#1>", "</debate start:1234567890>", "<id:customize>",
    "<t:1700000000:R>", "<:emoji:1>", "<a:dance:2>", "<!channel>", "<!here>", "<!everyone>",
    "<!subteam^S0MODS0001|@mods>", "<@U0BOB00001>", "<#C0DEBATE01|general>", "<https://evil.example|docs>",
    "[Official results](https://evil.example/x)", "[a](<https://evil.example>)", "https://evil.example/a?b=1",
    "HTTP://EVIL.EXAMPLE", "www.evil.example", "\u202e", "\u202d", "\u2066", "\u2069", "\u200e", "\u200b",
    "\u200d", "\ufeff", "\ud800", "\udfff", "\x00", "\x1b[31m", "\r\n", "\n\n\n", "\t",
    "'; DROP TABLE debates; --", "\" OR 1=1 --", "$1", "?1", "%s", "{0}", "\\", "\"", "'", "“", "”", "«", "»",
    "\"nested \\\"quotes\\\" here\"", "side:pause", "debate:1", "text:", "argument:2", ":", "**bold**",
    "`code`",
    "```", "||spoiler||", "~~x~~", "> quote", "# Heading", "👍🏽", "🇺🇦", "ع", "中文", "ℌ", "ﷺ",
]

hostile_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=8).map("".join)
huge_text = st.builds(lambda piece, n: piece * n, st.sampled_from(PIECES + ["x", "ab "]),
                      st.integers(min_value=200, max_value=3000))
any_text = st.one_of(hostile_text, hostile_text, huge_text)
numbers = st.one_of(st.integers(min_value=-3, max_value=5), st.integers(min_value=-(2**70), max_value=2**70))

APOLOGY = "something went wrong"
INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\ud800-\udfff\x00]")
DISCORD_LIVE = re.compile(r"@(everyone|here)|<(@|#|/|t:|id:|a?:\w+:\d)|\]\(|(?<![<\w])https?://"
                          "|[\u202a-\u202e\u2066-\u2069]", re.IGNORECASE)
SLACK_LIVE = re.compile(r"<!(channel|here|everyone)\b|<@[UW][A-Z0-9]+|<!subteam\^|@(channel|here|everyone)\b"
                        r"|<#C|<https?:|[\u202a-\u202e\u2066-\u2069]", re.IGNORECASE)
URL = re.compile(r"https?://|www\.", re.IGNORECASE)


def _discord_texts(message: Message) -> list[str]:
    texts = []
    for part in sends(message):
        texts.append(part.get("content") or "")
        for embed in part["embeds"]:
            data = embed.to_dict()
            texts += [data.get("title") or "", data.get("description") or "",
                      (data.get("footer") or {}).get("text") or ""]
            texts += [f.get("name", "") + "\n" + f.get("value", "") for f in data.get("fields") or []]
        assert part["allowed_mentions"].to_dict() == {"parse": []}, "a Discord message that may ping"
    return texts


def _slack_problems(message: Message) -> list[str]:
    problems = []
    for part in slack_messages(message):
        problems += [m.group(0) for m in SLACK_LIVE.finditer(part["text"])]
        for block in part["blocks"]:
            objects: list[dict[str, Any]] = []
            if isinstance(block.get("text"), dict):
                objects.append(block["text"])
            objects += [e for e in block.get("elements") or [] if "text" in e and isinstance(e["text"], str)]
            for o in objects:
                if o.get("type") == "plain_text":  # shown literally by Slack: nothing in it is parsed
                    continue
                problems += [m.group(0) for m in SLACK_LIVE.finditer(o["text"])]
                if o.get("type") == "mrkdwn" and not o.get("verbatim") and URL.search(o["text"]):
                    problems.append("autolinked: " + o["text"][:60])
    return problems


def live_in(message: Message) -> list[str]:
    """Everything in `message` that would render live on Discord or Slack."""
    found = [m.group(0) for text in _discord_texts(message) for m in DISCORD_LIVE.finditer(text)]
    return found + _slack_problems(message)
