"""The command catalog: every command declared once.

Discord options, Slack text parsing, console parsing, help text and the Slack manifest are all built from
`CATALOG`. `bind` turns raw option values (strings typed by a member, or typed values from a platform)
into checked Python values, with a specific message for each thing that can be wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.errors import UserError

# Option types. "text" is free text; "side" is a side key of the debate (checked by the handler, which knows
# the debate); "debate" and "argument" are numbers scoped to the space / debate.
TEXT, INT, SIDE, DEBATE, ARGUMENT, BOOL, CHOICE = "text", "int", "side", "debate", "argument", "bool", "choice"


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


@dataclass(frozen=True)
class Command:
    name: str  # "debate start", "argue"
    description: str
    options: tuple[Option, ...] = ()
    moderator: bool = False
    slow: bool = False  # may take longer than a platform's acknowledgement deadline: defer first
    example: str = ""
    button_only: bool = False  # reachable from buttons (and text), not listed as its own slash command

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


_DEBATE = Option("debate", DEBATE, "Debate number (default: the debate of this thread)", min=1)
_TEXT = Option("text", TEXT, "Your argument", required=True, limit_key="max_text", long=True)

CATALOG: tuple[Command, ...] = (
    Command(
        "debate start",
        "Start a debate on a motion, with its own thread",
        (
            Option("motion", TEXT, "The motion, as one sentence", required=True, limit_key="max_motion"),
            Option("sides", TEXT, "Comma-separated sides (default: for, against)", max_length=300),
            Option("format", CHOICE, "Debate format (rounds and durations)"),
        ),
        moderator=True,
        example='/debate start motion:"Frontier AI labs should pause training runs above 10^26 FLOP" '
        'sides:"pause, slow down, go faster"',
    ),
    Command("debate status", "Show a debate's phase, deadline and counts", (_DEBATE,)),
    Command("debate list", "List this community's debates", (Option("all", BOOL, "Include finished ones"),)),
    Command("debate next", "End the current phase now and move on", (_DEBATE,), moderator=True),
    Command(
        "debate extend",
        "Give the current phase more time",
        (Option("minutes", INT, "Minutes to add", required=True, min=1, max=1440), _DEBATE),
        moderator=True,
    ),
    Command("debate close", "Close the debate now and post the results", (_DEBATE,), moderator=True, slow=True),
    Command(
        "debate cancel",
        "Cancel a debate without results",
        (_DEBATE, Option("reason", TEXT, "Why (shown in the thread)", max_length=300)),
        moderator=True,
    ),
    Command(
        "argue",
        "Add an argument for a side",
        (_TEXT, Option("side", SIDE, "The side it supports (default: your current side)"), _DEBATE),
        example='/argue side:go-faster text:"A unilateral pause moves frontier work to labs with fewer safeguards."',
    ),
    Command(
        "rebut",
        "Answer a numbered argument",
        (
            Option("argument", ARGUMENT, "Number of the argument you answer", required=True, min=1),
            _TEXT,
            Option("side", SIDE, "The side your rebuttal supports (default: your current side)"),
            _DEBATE,
        ),
        example='/rebut argument:3 text:"Compute controls can be tested for short periods first."',
    ),
    Command(
        "endorse",
        "Endorse a strong argument (any side's)",
        (
            Option("argument", ARGUMENT, "Argument number", required=True, min=1),
            Option("withdraw", BOOL, "Take your endorsement back"),
            _DEBATE,
        ),
    ),
    Command(
        "position",
        "Record where you stand now (your history is kept)",
        (
            Option("side", SIDE, "Your side, or undecided", required=True),
            Option("confidence", INT, "How sure you are, 0-100", min=0, max=100),
            Option("reason", TEXT, "Why, in a sentence", limit_key="max_reason"),
            Option("credit", ARGUMENT, "Number of the argument that moved you", min=1),
            _DEBATE,
        ),
        example="/position side:slow-down confidence:70 credit:4",
    ),
    Command(
        "steelman",
        "The strongest case for each side, common ground and open cruxes",
        (_DEBATE, Option("side", SIDE, "Only this side")),
        slow=True,
    ),
    Command("history", "Your own positions over time", (_DEBATE,)),
    Command("help", "What the bot does and how to use it", (Option("command", TEXT, "A command name"),)),
)

BY_NAME: dict[str, Command] = {c.name: c for c in CATALOG}


def find(name: str) -> Command:
    command = BY_NAME.get(" ".join(name.split()).lower())
    if command is None:
        raise UserError(f"There is no command /{name}.", "Type /help to see every command.")
    return command


def _coerce_int(option: Option, value: Any) -> int:
    text = str(value).strip().lstrip("#")
    try:
        number = int(text)
    except ValueError:
        raise UserError(f"Option `{option.name}` must be a whole number; you gave {str(value)[:40]!r}.",
                        option=option.name) from None
    if option.min is not None and number < option.min or option.max is not None and number > option.max:
        low = option.min if option.min is not None else "any"
        high = option.max if option.max is not None else "any"
        raise UserError(f"Option `{option.name}` must be between {low} and {high}; you gave {number}.",
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
