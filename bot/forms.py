"""Forms (Discord modals, Slack views) built from the catalog: the options a button leaves for the member.

A button such as "Add argument" carries `debate`; the form asks for the rest of the command's options.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.catalog import BY_NAME
from bot.commands import TEXT, Option


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


@dataclass(frozen=True)
class FormLimits:
    """What a platform's forms hold; each adapter passes its own."""

    fields: int
    title: int
    label: int
    placeholder: int


def _field(option: Option, limits: Any, room: FormLimits) -> FormField:
    limit = getattr(limits, option.limit_key) if option.limit_key else option.max_length
    label = option.name.replace("_", " ").capitalize()
    return FormField(option.name, label[:room.label], option.required, option.long or option.type == TEXT and
                     bool(limit and limit > 200), limit, option.description[:room.placeholder])


def form_for(command_name: str, fixed: dict[str, Any], limits: Any, room: FormLimits) -> Form:
    command = BY_NAME[command_name]
    fields = tuple(_field(o, limits, room) for o in command.options if o.name not in fixed and o.name != "debate")
    debate = f" (debate #{fixed['debate']})" if "debate" in fixed else ""
    title = {"argue": "Add an argument", "rebut": f"Rebut #{fixed.get('argument', '')}",
                                      "itt write": "Write another side's case"}.get(
        command_name, command.description)
    return Form(command_name, (title + debate)[:room.title], fields[:room.fields], tuple(fixed.items()))
