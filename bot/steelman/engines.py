"""The summary engines a bot has, and the one a space chose (the core asks ``for_engine``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..summaries import ArgumentView, SteelmanReport
from . import Extractive


class Engines:
    """The extractive engine always; the LLM engine when the operator set one up (built on first use)."""

    engine = "extractive"

    def __init__(self, llm: Callable[[], object] | None = None):
        self.extractive = Extractive()
        self._make_llm, self._llm = llm, None

    def for_engine(self, name: str):
        if name != "llm" or self._make_llm is None:
            return self.extractive  # a space that chose the LLM on a bot that no longer has one
        if self._llm is None:
            self._llm = self._make_llm()
        return self._llm

    def summarize(
        self, arguments: Sequence[ArgumentView], sides: Sequence[str], per_side: int = 3
    ) -> SteelmanReport:
        return self.extractive.summarize(arguments, sides, per_side)
