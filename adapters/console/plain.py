"""Core messages as terminal text: title, body, fields, buttons as [labels], charts as bars.

The core writes emphasis as the platforms read it (`**bold**`, `_(a note)_`). A terminal shows it as
a terminal can: bold and italic with ANSI codes when it is a terminal, plain words otherwise, and never
the asterisks themselves."""

from __future__ import annotations

import re

from bot.platform import Message, bars

BOLD = re.compile(r"\*\*(.+?)\*\*")
ITALIC = re.compile(r"(?<![\w*])_(\S(?:.*?\S)?)_(?!\w)")
ANSI = {"bold": ("\x1b[1m", "\x1b[22m"), "italic": ("\x1b[3m", "\x1b[23m")}


def styled(text: str, ansi: bool = False) -> str:
    """`**bold**` and `_italic_` as the terminal shows them: ANSI codes, or the plain words."""
    def mark(kind: str):
        on, off = ANSI[kind] if ansi else ("", "")
        return lambda m: f"{on}{m.group(1)}{off}"
    return ITALIC.sub(mark("italic"), BOLD.sub(mark("bold"), text))


def to_text(message: Message, ansi: bool = False) -> str:
    lines: list[str] = []
    if message.title:
        lines.append(f"【{message.title}】")
    lines.append(message.text)
    for f in message.fields:
        value = f.value.replace("\n", "\n    ")
        lines.append(f"  {f.name}: {value}" if "\n" not in f.value else f"  {f.name}:\n    {value}")
    if message.chart:
        lines.extend(bars(message.chart))
    if message.buttons:
        lines.append("  " + " ".join(f"[{b.label}]" for b in message.buttons))
    if message.footer:
        lines.append(f"  — {message.footer}")
    return styled("\n".join(lines), ansi)


def one_line(message: Message, ansi: bool = False) -> str:
    """A card edit, briefly: the fields that change (phase, counts)."""
    changing = [f"{f.name}: {f.value}" for f in message.fields if f.inline]
    return styled("; ".join(changing) or message.text, ansi)
