"""Text parsing of commands, shared by the console and Slack (whose slash commands arrive as text).

    /debate start motion:"Pause frontier training" sides:"pause, slow down, go faster"
    /argue side:pause Compute is the one lever we can inspect.
    /position slow-down 70

Options are `name:value` pairs or positional, in the catalog's order. A value may be quoted; an unquoted
text value runs until the next `known-option:` or the end, so members need not quote sentences.
Apostrophes are ordinary characters; smart double quotes count as quotes (Slack and phones insert them).
"""

from __future__ import annotations

import difflib
import functools
import re

from bot.catalog import CATALOG
from bot.commands import SIDE, TEXT, Command, Option
from bot.errors import UserError

_SMART = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"'})


_BY_PATH = {command.path: command for command in CATALOG}
_LONGEST = max(len(path) for path in _BY_PATH)


def _match_command(words: list[str]) -> tuple[Command, int]:
    lowered = [w.lower() for w in words[:_LONGEST]]
    best: tuple[Command, int] | None = None
    for n in range(len(lowered), 0, -1):  # the longest name that fits: "debate start" before "debate"
        command = _BY_PATH.get(tuple(lowered[:n]))
        if command is not None:
            best = (command, n)
            break
    if best is None:
        group = [c.name for c in CATALOG if lowered and c.path[0] == lowered[0]]
        if group:
            names = ", ".join(f"/{g}" for g in group)
            raise UserError(f"/{' '.join(words[:2])} is not a command.", f"Did you mean one of: {names}?")
        typed = words[0] if words else ""
        close = difflib.get_close_matches(lowered[0] if lowered else "", sorted({c.path[0] for c in CATALOG}), 1, 0.7)
        hint = f"Did you mean /{close[0]}? Type /help to see every command." if close else \
            "Type /help to see every command."
        raise UserError(f"There is no command /{typed}.", hint)
    return best


@functools.cache  # one per command of the catalog
def _option_pattern(command: Command) -> re.Pattern[str]:
    names = "|".join(re.escape(o.name) for o in command.options) or "(?!)"
    return re.compile(rf"(?:^|\s)({names}):", re.IGNORECASE)


def _read_value(rest: str, is_text: bool, marker: re.Pattern[str]) -> tuple[str, str]:
    """Return (value, remainder) for the value at the start of `rest`."""
    rest = rest.lstrip()
    if rest.startswith('"'):
        end = rest.find('"', 1)
        if end < 0:
            raise UserError("A quoted value is missing its closing quote (\").")
        return rest[1:end], rest[end + 1 :]
    if is_text:
        found = marker.search(rest)
        cut = found.start() if found else len(rest)
        return rest[:cut].strip(), rest[cut:]
    head, _, tail = rest.partition(" ")
    return head, tail


def parse(line: str) -> tuple[Command, dict[str, str]]:
    """Parse '/name words... options...' into a catalog command and raw option strings."""
    line = line.translate(_SMART).strip().removeprefix("/")
    words = line.split()
    if not words:
        raise UserError("Type a command, like /help.")
    command, used = _match_command(words)
    rest = line
    for _ in range(used):
        rest = rest.lstrip()[len(rest.lstrip().split(None, 1)[0]) :]
    return command, parse_options(command, rest)


def parse_options(command: Command, rest: str) -> dict[str, str]:
    marker = _option_pattern(command)
    by_name = {o.name.lower(): o for o in command.options}
    raw: dict[str, str] = {}
    positional = [o for o in command.options]
    while rest.strip():
        rest = rest.lstrip()
        named = re.match(r"([A-Za-z][\w-]*):", rest)
        was_named = bool(named and named.group(1).lower() in by_name)
        if was_named:
            option = by_name[named.group(1).lower()]
            rest = rest[named.end() :]
        else:
            option = next((o for o in positional if o.name not in raw), None)
            if named and not rest[named.end():].startswith(("//", " ")) and rest[named.end():]:
                _unknown_option(command, named.group(1), option)
            if option is None:
                raise UserError(
                    f"/{command.name} got more than it takes: {rest.strip()[:60]!r}.", f"Usage: {command.usage}"
                )
        if option.name in raw:
            raise UserError(f"Option `{option.name}` is given twice.", option=option.name)
        if option.type == SIDE and was_named and not _text_follows(positional, raw, option):
            raw[option.name], rest = _read_side(rest, marker)
        else:
            raw[option.name], rest = _read_value(rest, option.type == TEXT, marker)
    return raw


def _text_follows(positional: list[Option], raw: dict[str, str], current: Option) -> bool:
    upcoming = next((o for o in positional if o.name not in raw and o is not current), None)
    return upcoming is not None and upcoming.type == TEXT


_NUMBER = re.compile(r"^#?\d+%?$")
_OPTION_LIKE = re.compile(r"^[A-Za-z][\w-]*:")


def _read_side(rest: str, marker: re.Pattern[str]) -> tuple[str, str]:
    """A side is shown as "slow down", so members type it that way: its words run to the next option or
    number (`side:slow down 70` is the side and a confidence), unless quoted."""
    rest = rest.lstrip()
    if rest.startswith('"'):
        return _read_value(rest, False, marker)
    found = marker.search(rest)
    head, tail = (rest[:found.start()], rest[found.start():]) if found else (rest, "")
    words = head.split()
    count = next((i for i, w in enumerate(words) if i and (_NUMBER.match(w) or _OPTION_LIKE.match(w))),
                 len(words))
    return " ".join(words[:count]), " ".join(words[count:]) + (" " + tail if tail else "")


def _unknown_option(command: Command, word: str, next_positional: Option | None) -> None:
    """`Word:` that names no option: prose where text comes next ("Evidence: detectors misfire"), unless
    it looks like a misspelt option (`confidnce:60`), or no text can come here (`colour:red`)."""
    names = [o.name for o in command.options]
    close = difflib.get_close_matches(word.lower(), names, 1, 0.75)
    if next_positional is not None and next_positional.type == TEXT and not close:
        return
    quoting = (f" To write `{word}:` as text, quote it: {next_positional.name}:\"{word}: ...\"."
               if next_positional is not None and next_positional.type == TEXT else "")
    hint = f"Did you mean `{close[0]}:`?" if close else f"Its options: {', '.join(names)}."
    raise UserError(f"/{command.name} has no option `{word}`.", hint + quoting)
