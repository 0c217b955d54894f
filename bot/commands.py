"""What a command is (its options and their types) and how raw option values become checked values.

The commands themselves are declared once, each with its handler, in `bot.catalog`. `bind` turns raw
option values (strings typed by a member, or typed values from a platform) into checked Python values,
with a specific message for each thing that can be wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.errors import UserError

# Option types. "text" is free text; "side" is a side key of the debate (checked by the handler, which knows
# the debate); "debate" and "argument" are numbers scoped to the space / debate.
TEXT, INT, SIDE, DEBATE, ARGUMENT, BOOL, CHOICE = "text", "int", "side", "debate", "argument", "bool", "choice"


MAX_NUMBER = 2**31 - 1  # every number a member types fits a 32-bit integer column on every engine


@dataclass(frozen=True)
class Option:
    name: str
    type: str
    description: str
    required: bool = False
    min: int | None = None
    max: int | None = None
    max_length: int | None = None  # "limits.max_text" style keys are resolved by `limit_key`
    limit_key: str | None = None  # a Limits field that caps this text (so config can change it)
    choices: tuple[str, ...] = ()
    long: bool = False  # multi-line text (a paragraph field in forms)

    @property
    def bounds(self) -> tuple[int, int]:
        """The range of a number option, as platforms are told it: a number beyond any store's integers
        (or a platform's, which sets no maximum of its own) is refused with a clear reply."""
        low = self.min if self.min is not None else -MAX_NUMBER
        return low, self.max if self.max is not None else MAX_NUMBER


@dataclass(frozen=True)
class Command:
    name: str  # "debate start", "argue"
    description: str
    options: tuple[Option, ...] = ()
    moderator: bool = False
    slow: bool = False  # may take longer than a platform's acknowledgement deadline: defer first
    example: str = ""
    button_only: bool = False  # reachable from buttons (and text), not listed as its own slash command
    # changes nothing: may run on the store's read path, which answers while another process holds the
    # write lock (a write it attempts after all falls back to the ordinary path)
    reads: bool = False
    handler: Any = field(default=None, compare=False, repr=False)  # async (Ctx) -> Reply

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.name.split())

    def option(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)

    @property
    def usage(self) -> str:
        parts = [f"/{self.name}"]
        for o in self.options:
            parts.append(f"{o.name}:<{o.type}>" if o.required else f"[{o.name}:<{o.type}>]")
        return " ".join(parts)


def _coerce_int(option: Option, value: Any) -> int:
    text = str(value).strip().lstrip("#")
    try:
        number = int(text)
    except ValueError:
        raise UserError(f"Option `{option.name}` must be a whole number; you gave {str(value)[:40]!r}.",
                        option=option.name) from None
    low, high = option.bounds
    if not low <= number <= high:
        shown = text if len(text) <= 20 else f"{text[:17]}..."
        raise UserError(f"Option `{option.name}` must be between {low:,} and {high:,}; you gave {shown}.",
                        option=option.name)
    return number


def _coerce_bool(option: Option, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("yes", "true", "1", "on", "y"):
        return True
    if text in ("no", "false", "0", "off", "n"):
        return False
    raise UserError(f"Option `{option.name}` must be yes or no; you gave {text[:40]!r}.", option=option.name)


def _coerce_text(option: Option, value: Any, limits: Any) -> str:
    from bot.cleaning import clean  # local: text cleaning is part of binding, not of the catalog's shape

    text = clean(str(value))
    if not text:
        raise UserError(f"Option `{option.name}` is empty; write some text.", option=option.name)
    limit = getattr(limits, option.limit_key) if option.limit_key else option.max_length
    if limit is not None and len(text) > limit:
        raise UserError(
            f"Option `{option.name}` is {len(text):,} characters long; the limit is {limit:,}.",
            "Shorten it, or split it into two arguments.",
            option=option.name,
        )
    return text


@dataclass
class Bound:
    command: Command
    values: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)


def bind(command: Command, raw: dict[str, Any], limits: Any) -> Bound:
    """Check and convert option values; unknown or missing options get a message naming them."""
    unknown = sorted(set(raw) - {o.name for o in command.options})
    if unknown:
        allowed = ", ".join(o.name for o in command.options) or "none"
        raise UserError(f"/{command.name} has no option `{unknown[0]}`.", f"Its options: {allowed}.")
    values: dict[str, Any] = {}
    for option in command.options:
        value = raw.get(option.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if option.required and value is not None and option.type == TEXT:
                raise UserError(f"Option `{option.name}` is empty; write some text.", option=option.name)
            if option.required:
                raise UserError(
                    f"/{command.name} needs `{option.name}`: {option.description}.", f"Usage: {command.usage}",
                    option=option.name,
                )
            continue
        if option.type in (INT, DEBATE, ARGUMENT):
            values[option.name] = _coerce_int(option, value)
        elif option.type == BOOL:
            values[option.name] = _coerce_bool(option, value)
        elif option.type in (SIDE, CHOICE):
            values[option.name] = str(value).strip()
        else:
            values[option.name] = _coerce_text(option, value, limits)
    return Bound(command, values)
