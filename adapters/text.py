"""Text helpers that only adapters need: splitting a long text to fit a platform's message parts."""

from __future__ import annotations


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
