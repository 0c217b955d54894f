"""Core messages as terminal text: title, body, fields, buttons as [labels], charts as bars."""

from __future__ import annotations

from bot.platform import Message, bars


def to_text(message: Message) -> str:
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
    return "\n".join(lines)


def one_line(message: Message) -> str:
    """A card edit, briefly: the fields that change (phase, counts)."""
    changing = [f"{f.name}: {f.value}" for f in message.fields if f.inline]
    return "; ".join(changing) or message.text
