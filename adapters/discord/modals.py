"""Forms from the catalog (bot/forms.py) as Discord modals, and a submitted modal read back as a command.

A modal's custom id is the button's (`sm:form:argue:debate=1`), so a submit is understood from the payload
alone, even after a restart. A side is picked from the debate's sides (a select) when the debate is known.
Every field comes from the catalog's options (the "Add argument" form's optional argument number among
them: the core decides that such an argument is a rebuttal).
"""

from __future__ import annotations

from typing import Any

import discord

from bot.platform import (Button, Debate, Form, FormLimits, decode_button, encode_button, form_for,
                          shorten)

LABEL, DESCRIPTION, INPUT_MAX = 45, 100, 4000
FORM = FormLimits(fields=5, title=45, label=45, placeholder=100)  # a modal holds five inputs
CUSTOM_ID = 100


class StaticModal(discord.ui.Modal):
    """A modal the client's interaction handler reads by custom id; not kept in discord.py's view store
    (a form a member closes without submitting would otherwise stay there for good)."""

    def is_finished(self) -> bool:
        return True


def _labelled(text: str, description: str, component: discord.ui.Item) -> discord.ui.Label:
    return discord.ui.Label(text=shorten(text, LABEL), description=shorten(description, DESCRIPTION) or None,
                            component=component)


def _side_select(debate: Debate, required: bool) -> discord.ui.Select:
    options = [discord.SelectOption(label=shorten(s.label, 100), value=s.key) for s in debate.sides]
    return discord.ui.Select(custom_id="side", options=options[:25], required=required,
                             min_values=1 if required else 0, max_values=1, placeholder="Choose a side")


def modal(command: str, fixed: dict[str, Any], limits: Any, debate: Debate | None) -> discord.ui.Modal:
    form = form_for(command, fixed, limits, FORM)
    custom_id = encode_button(Button(form.title, command, form.fixed, form=True), CUSTOM_ID)
    result = StaticModal(title=form.title, custom_id=custom_id, timeout=None)
    for f in form.fields:
        if f.name == "side" and debate is not None:
            component: discord.ui.Item = _side_select(debate, f.required)
        else:
            style = discord.TextStyle.paragraph if f.long else discord.TextStyle.short
            component = discord.ui.TextInput(custom_id=f.name, style=style, required=f.required,
                                             max_length=min(f.max_length or INPUT_MAX, INPUT_MAX))
        result.add_item(_labelled(f.label, f.placeholder, component))
    return result


def _values(components: list[dict[str, Any]]) -> dict[str, Any]:
    """Input values of a submitted modal, whatever the nesting of rows or labels; a select gives its choice."""
    found: dict[str, Any] = {}
    for component in components:
        if "custom_id" in component and "value" in component:
            found[component["custom_id"]] = component["value"]
        elif "custom_id" in component and component.get("values"):
            found[component["custom_id"]] = component["values"][0]
        for key in ("components", "component"):
            inner = component.get(key)
            if isinstance(inner, dict):
                inner = [inner]
            if inner:
                found.update(_values(inner))
    return found


def submitted(data: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
    """(command, values typed, values the button fixed) of a submitted modal of ours; else None."""
    decoded = decode_button(data.get("custom_id", ""))
    if decoded is None:
        return None
    command, fixed, _ = decoded
    values = {k: v for k, v in _values(data.get("components", [])).items() if str(v).strip()}
    return command, values, fixed


def form_of(command: str, fixed: dict[str, Any], limits: Any) -> Form:
    return form_for(command, fixed, limits, FORM)
