"""Cleaning of text members type: invisible control and direction-override characters go.

The core stores what the member typed, minus what cannot be seen. Making text inert in a platform's
syntax (mentions, links) is the adapter's job when it renders (`Platform.neutralise`): each platform has
its own syntax, and the core's limits then count what the member wrote.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Bidirectional embeddings, overrides and isolates can make text read differently from what is stored.
_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"))
_ZWSP = "\u200b"  # kept: adapters use it to break syntax, and it is harmless in stored text


def strip_controls(text: str) -> str:
    text = text.translate(_BIDI)
    if text.isprintable():  # no character of categories Cc, Cf or Cs (nor \n or \t): nothing to strip
        return text
    return "".join(
        # Cs: a lone UTF-16 surrogate (from a platform's JSON) is no character, and no store can keep it
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs") or ch == _ZWSP
    )


def clean(text: str) -> str:
    """Strip invisible control characters and collapse runs of blank lines."""
    text = strip_controls(text).replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def clean_name(name: str, limit: int = 80) -> str:
    """A display name as the bot repeats it: no controls, direction overrides or surrogates, one line."""
    text = " ".join(strip_controls(name).split())
    return shorten(text, limit) or "someone"


@functools.lru_cache(maxsize=512)  # a debate's few side names are slugged on every command that names one
def slug(text: str) -> str:
    """A side's key: lower case, words joined by hyphens, in any script ("Go faster" -> "go-faster",
    "против" -> "против"). Accents on Latin letters go ("Café" -> "cafe", as keys always were); other
    scripts keep their marks, which tell words apart there. Canonical forms only, so no character
    expands into many (a key stays as short as its label)."""
    decomposed = unicodedata.normalize("NFD", text)
    kept = [c for i, c in enumerate(decomposed)
            if not (unicodedata.combining(c) and i and decomposed[i - 1].isascii())]
    text = unicodedata.normalize("NFC", "".join(kept)).lower()
    return re.sub(r"[\W_]+", "-", text).strip("-")


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word's end when one is near (not "…gets that wit…")."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - 1)]
    space = cut.rfind(" ")
    if space >= limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"
