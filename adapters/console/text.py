"""Core messages as terminal text: title, body, fields, buttons as [labels], charts as bars."""

from __future__ import annotations

from bot.model import Chart, Message

WIDTH = 30


def bars(chart: Chart) -> list[str]:
    lines = [chart.title]
    label_width = max((len(label) for label in chart.labels), default=0)
    for i, label in enumerate(chart.labels):
        for name, values in chart.series:
            value = values[i]
            bar = "█" * round(value / 100 * WIDTH)
            lines.append(f"  {label:<{label_width}} {name:<6} {bar} {value:.0f}%")
    return lines


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
