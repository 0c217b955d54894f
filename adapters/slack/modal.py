"""The modal a form button opens, built from the core's form for that command."""

from __future__ import annotations

import json
from typing import Any

from dataclasses import replace

from bot.platform import Button, FormLimits, encode_button, form_for

FORM = FormLimits(fields=10, title=24, label=2000, placeholder=150)  # Slack: a view title holds 24


def modal(command: str, fixed: dict[str, Any], channel: str, thread: str | None,
          limits: Any) -> dict[str, Any]:
    form = form_for(command, fixed, limits, replace(FORM, title=200))  # whole: cut here, by words
    blocks = []
    for f in form.fields:
        element: dict[str, Any] = {"type": "plain_text_input", "action_id": f.name, "multiline": f.long,
                                   "placeholder": {"type": "plain_text", "text": f.placeholder[:150]}}
        if f.max_length:
            element["max_length"] = min(f.max_length, 3000)
        blocks.append({"type": "input", "block_id": f.name, "optional": not f.required, "element": element,
                       "label": {"type": "plain_text", "text": f.label}})
    return {"type": "modal", "callback_id": encode_button(Button(form.title, command, form.fixed, form=True)),
            "title": {"type": "plain_text", "text": title(form.title)},
            "submit": {"type": "plain_text", "text": "Post"},
            "private_metadata": json.dumps({"channel": channel, "thread": thread}), "blocks": blocks}


def title(text: str, limit: int = FORM.title) -> str:
    """A view title fits 24 characters: drop the "(debate #3)" aside, then whole words."""
    if len(text) <= limit:
        return text
    words = text.split(" (")[0].split()
    while len(" ".join(words)) > limit and len(words) > 1:
        words.pop()
    return " ".join(words)[:limit]
