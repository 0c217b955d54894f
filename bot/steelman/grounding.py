"""Checking a language model's steelman against the arguments it was given, mechanically.

The model must answer JSON: {"points": [{"point": "...", "cites": [3, 7], "quotes": [{"argument": 3, "text":
"..."}]}]}. Every cited number must be one of the side's arguments it was sent, every quote must cite one of
the point's numbers and appear word for word in that argument, and every point must quote at least once: a
model may rephrase a point, but never put words in a member's mouth.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

MIN_QUOTE_WORDS = 3  # a quote of one or two words proves nothing about what the member said
MAX_POINTS = 6
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


class CheckFailed(ValueError):
    """The answer is not grounded in the side's arguments; the message says why, for members to read."""


@dataclass(frozen=True)
class Point:
    text: str
    cites: tuple[int, ...]
    quotes: tuple[tuple[int, str], ...]  # (argument number, verbatim text)


def check(answer: str, given: Mapping[int, str], other_sides: set[int]) -> list[Point]:
    """The answer's points, or CheckFailed. ``given``: number -> text of the arguments sent."""
    raw = _json(answer)
    points = raw.get("points") if isinstance(raw, dict) else None
    if not isinstance(points, list) or not points:
        raise CheckFailed("the model's answer had no points")
    return [_point(p, given, other_sides) for p in points[:MAX_POINTS]]


def _json(answer: str) -> object:
    fenced = _FENCE.match(answer or "")  # local models often wrap JSON in a Markdown fence
    try:
        return json.loads(fenced.group(1) if fenced else answer)
    except (TypeError, ValueError):
        raise CheckFailed("the model's answer was not valid JSON") from None


def _point(p: object, given: Mapping[int, str], other_sides: set[int]) -> Point:
    if not isinstance(p, dict) or not isinstance(p.get("point"), str) or not p["point"].strip():
        raise CheckFailed("a point of the model's answer had no text")
    cites = p.get("cites")
    if not isinstance(cites, list) or not cites or not all(_is_int(n) for n in cites):
        raise CheckFailed("a point cited no argument numbers")
    for n in cites:
        if n in other_sides:
            raise CheckFailed(f"a point cited #{n}, which is another side's argument")
        if n not in given:
            raise CheckFailed(f"a point cited #{n}, which is not one of this side's arguments")
    quotes = p.get("quotes")
    if not isinstance(quotes, list) or not quotes:
        raise CheckFailed("a point quoted no argument")
    checked = tuple(_quote(q, set(cites), given) for q in quotes)
    return Point(" ".join(p["point"].split()), tuple(cites), checked)


def _quote(q: object, cites: set[int], given: Mapping[int, str]) -> tuple[int, str]:
    if (
        not isinstance(q, dict)
        or not _is_int(q.get("argument"))
        or not isinstance(q.get("text"), str)
    ):
        raise CheckFailed("a quote did not name its argument and text")
    number, text = q["argument"], " ".join(q["text"].split())
    if number not in cites:
        raise CheckFailed(f"a quote is from #{number}, which its point does not cite")
    if len(text.split()) < MIN_QUOTE_WORDS:
        raise CheckFailed(f"a quote from #{number} was too short to check")
    if text not in " ".join(given[number].split()):  # word for word: only spacing may differ
        raise CheckFailed(f"a quote attributed to #{number} is not in its words")
    return number, text


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
