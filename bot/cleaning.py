"""Cleaning of text members type: control and direction-override characters go, mentions cannot fire.

Every piece of user text passes through `clean` before it is stored, so no later path (a card, a summary,
an export) can repeat a live mention, whatever the platform.
"""

from __future__ import annotations

import re
import unicodedata

# Bidirectional embeddings, overrides and isolates can make text read differently from what is stored.
_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"))
_ZWSP = "\u200b"

# Discord: @everyone, @here, <@id>, <@!id>, <@&role>; Slack: <!channel>, <!here>, <!everyone>,
# <@U123>, <!subteam^S123>. A zero-width space after the sigil keeps the text readable and inert.
_BROADCAST = re.compile(r"@(everyone|here|channel)\b", re.IGNORECASE)
_ANGLE = re.compile(r"<([@!#])")


def strip_controls(text: str) -> str:
    text = text.translate(_BIDI)
    return "".join(
        # Cs: a lone UTF-16 surrogate (from a platform's JSON) is no character, and no store can keep it
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs") or ch == _ZWSP
    )


def neutralise_mentions(text: str) -> str:
    text = _BROADCAST.sub(lambda m: "@" + _ZWSP + m.group(1), text)
    return _ANGLE.sub(lambda m: "<" + _ZWSP + m.group(1), text)


def clean(text: str) -> str:
    """Strip invisible control characters, collapse runs of blank lines, and defuse mentions."""
    text = strip_controls(text).replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"\n{3,}", "\n\n", text)
    return neutralise_mentions(text.strip())


def clean_name(name: str, limit: int = 80) -> str:
    """A display name as the bot repeats it: no controls, direction overrides or surrogates, one line."""
    text = " ".join(strip_controls(name).split())
    return shorten(text, limit) or "someone"


def slug(text: str) -> str:
    """A side's key: lower case, words joined by hyphens ("Go faster" -> "go-faster")."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 1)].rstrip() + "…"


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
