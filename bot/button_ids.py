"""Buttons as compact strings that carry what they act on, so they keep working after a restart.

    encode(Button("Endorse", "endorse", (("argument", 4), ("debate", 2))))  ->  "sm:endorse:argument=4;debate=2"

Platforms cap these ids, so values are short by design (command names, side keys and numbers) and each
adapter passes its own cap. A side key that would not fit is written as the side's number ("side=#2"),
which the core resolves like a member typing `side:2`. `decode` rejects anything that is not a catalog
command.
"""

from __future__ import annotations

from typing import Any

from bot.catalog import BY_NAME
from bot.messages import Button

PREFIX = "sm"


def encode(button: Button, max_length: int | None = None, position: int | None = None) -> str:
    """The button's id; `position`: the number of the side it names, used when its key would not fit.
    ValueError if it is still longer than the platform's `max_length`."""
    text = _joined(button, button.args)
    if max_length is not None and len(text) > max_length and position is not None:
        text = _joined(button, tuple((k, f"#{position}" if k == "side" else v) for k, v in button.args))
    if max_length is not None and len(text) > max_length:
        raise ValueError(f"button id too long ({len(text)} > {max_length}): {text[:40]}...")
    return text


def _joined(button: Button, args: tuple[tuple[str, Any], ...]) -> str:
    kind = "form" if button.form else "run"
    return f"{PREFIX}:{kind}:{button.command}:" + ";".join(f"{k}={v}" for k, v in args)


def decode(custom_id: str) -> tuple[str, dict[str, Any], bool] | None:
    """(command, args, is_form) for one of our ids; None for anything else."""
    parts = custom_id.split(":", 3)
    if len(parts) != 4 or parts[0] != PREFIX or parts[1] not in ("run", "form") or parts[2] not in BY_NAME:
        return None
    args: dict[str, Any] = {}
    for pair in filter(None, parts[3].split(";")):
        key, _, value = pair.partition("=")
        args[key] = value[1:] if key == "side" and value[1:].isdigit() and value[0] == "#" else value
    return parts[2], args, parts[1] == "form"
