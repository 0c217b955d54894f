"""Forms (Discord modals, Slack views) built from the catalog: the options a button leaves for the member.

A button such as "Add argument" carries `debate`; the form asks for the rest of the command's options.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.catalog import BY_NAME
from bot.commands import TEXT, Option

MAX_FIELDS = 5  # Discord modals hold at most five inputs


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    required: bool
    long: bool
    max_length: int | None
    placeholder: str


@dataclass(frozen=True)
class Form:
    command: str
    title: str
    fields: tuple[FormField, ...]
    fixed: tuple[tuple[str, Any], ...]  # option values the button already decided (e.g. the debate)


def _field(option: Option, limits: Any) -> FormField:
    limit = getattr(limits, option.limit_key) if option.limit_key else option.max_length
    label = option.name.replace("_", " ").capitalize()
    return FormField(option.name, label[:45], option.required, option.long or option.type == TEXT and
                     bool(limit and limit > 200), limit, option.description[:100])


def form_for(command_name: str, fixed: dict[str, Any], limits: Any) -> Form:
    command = BY_NAME[command_name]
    fields = tuple(_field(o, limits) for o in command.options if o.name not in fixed and o.name != "debate")
    debate = f" (debate #{fixed['debate']})" if "debate" in fixed else ""
    title = {"argue": "Add an argument", "rebut": f"Rebut #{fixed.get('argument', '')}"}.get(
        command_name, command.description)
    return Form(command_name, (title + debate)[:45], fields[:MAX_FIELDS], tuple(fixed.items()))
