"""What both platforms' forms share: which field of a form a refused submission is about.

The core names the option an error concerns (`Reply.option`); each adapter shows the core's text under
that field (Slack keeps the form open with it there; Discord, whose forms close on submit, answers with
the field's label as the title). Same mistake, same words, same field, on every platform.
"""

from __future__ import annotations

from bot.platform import Form, FormField, Reply


def field_error(reply: Reply, form: Form) -> tuple[FormField, str] | None:
    """(the field, the core's words) when `reply` refuses a value typed into one of the form's fields."""
    if reply.message.kind != "error" or reply.option is None:
        return None
    field = next((f for f in form.fields if f.name == reply.option), None)
    return (field, reply.message.text) if field is not None else None
