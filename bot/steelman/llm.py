"""The optional LLM steelman: a language model restates each side's strongest arguments, checked.

The extractive engine chooses first (so the picks, common ground and cruxes are its own); then for each side
the model receives only that side's picks, numbered, and must answer JSON points that cite and quote them
(grounding.py checks every number and quote). A failed check is retried once with the reason; a second
failure, a timeout, a cut-off answer or a service error leaves that side's extractive picks, and the summary
says so. Answers are cached by the side's state (its picks' numbers and texts, the model), so asking again
about an unchanged debate costs nothing. Standard library only: the SDK call is passed in (bot/llm_sdk.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from ..summaries import ArgumentView, Pick, SteelmanReport
from .extractive import summarize as extractive
from .grounding import CheckFailed, Point, check

MAX_CACHED = 512  # sides' answers kept; each is a few hundred bytes
SYSTEM = (
    "You summarise one side of a debate for its members. Use only the numbered arguments you are given. "
    "Answer with JSON only, no prose around it, in this shape: "
    '{"points": [{"point": "one sentence in your words", "cites": [3, 7], '
    '"quotes": [{"argument": 3, "text": "words copied exactly from argument 3"}]}]}. '
    "Every point cites the numbers of the arguments it draws on and quotes at least one of them word for "
    "word (at least three words). Never cite a number you were not given."
)


class Unavailable(Exception):
    """The model gave no usable answer (timeout, service error, token limit); the message says which."""


Complete = Callable[
    [str, str], Awaitable[str]
]  # (system, user) -> the model's text; raises Unavailable


@dataclass(frozen=True)
class Answer:
    points: tuple[
        str, ...
    ] = ()  # rendered for members; empty when the model's answer was not used
    failure: str = ""
    transient: bool = False  # a timeout or an outage: not cached, so the next request asks again


class LLM:
    """A Summarizer whose ``summarize`` is a coroutine (the core awaits it)."""

    engine = "llm"

    def __init__(self, complete: Complete, model: str = ""):
        self.complete, self.model = complete, model
        self._cache: dict[str, Answer] = {}

    async def summarize(
        self, arguments: Sequence[ArgumentView], sides: Sequence[str], per_side: int = 3
    ) -> SteelmanReport:
        report = extractive(arguments, sides, per_side)
        side_of = {a.number: a.side for a in arguments}
        failures = []
        for side, picks in report.sides.items():
            if not picks:
                continue
            others = {n for n, s in side_of.items() if s != side}
            answer = await self._side(side, picks, others)
            if answer.points:
                report.points[side] = list(answer.points)
            else:
                failures.append(f"{side}: {answer.failure}")
        report.engine = "llm" if report.points else "extractive"
        if failures:
            report.engine_note = (
                "The language model's summary was not used for "
                + "; ".join(failures)
                + ", so those sides show members' own words."
            )
        return report

    async def _side(self, side: str, picks: list[Pick], others: set[int]) -> Answer:
        key = self._key(side, picks)
        if key not in self._cache:
            answer = await self._ask(side, picks, others)
            if not answer.transient:
                if len(self._cache) >= MAX_CACHED:
                    self._cache.clear()
                self._cache[key] = answer
            return answer
        return self._cache[key]

    async def _ask(self, side: str, picks: list[Pick], others: set[int]) -> Answer:
        given = {p.number: p.text for p in picks}
        user = prompt(side, picks)
        reason = ""
        for _ in range(2):  # one retry, told what was wrong
            try:
                retry = f"\n\nYour last answer failed: {reason}. Answer again." if reason else ""
                text = await self.complete(SYSTEM, user + retry)
                return Answer(tuple(_render(p) for p in check(text, given, others)))
            except CheckFailed as failed:
                reason = str(failed)
            except Unavailable as gone:
                return Answer(failure=str(gone), transient=True)
        return Answer(failure=f"its answer failed the check twice ({reason})")

    def known(self, side: str, picks: list[Pick]) -> tuple[str, ...] | None:
        """The points this engine already wrote for the side's picks (cached from an earlier request), or
        None: asks nothing (exports use it, bot/export/posted.py)."""
        answer = self._cache.get(self._key(side, picks))
        return answer.points if answer is not None and answer.points else None

    def _key(self, side: str, picks: list[Pick]) -> str:
        state = json.dumps(
            [self.model, side, [(p.number, p.text) for p in picks]], ensure_ascii=False
        )
        return hashlib.sha256(state.encode("utf-8")).hexdigest()


def prompt(side: str, picks: list[Pick]) -> str:
    lines = [f'The strongest arguments of the side "{side}", by number:']
    lines += [f"#{p.number}: {p.text}" for p in picks]
    lines.append("Summarise this side's case in at most as many points as there are arguments.")
    return "\n".join(lines)


def _render(p: Point) -> str:
    quotes = "; ".join(f"#{n}: “{text}”" for n, text in p.quotes)
    return f"{p.text} ({quotes})"
