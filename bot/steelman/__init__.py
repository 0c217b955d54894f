"""Steelman engines: the extractive default (offline, standard library only)."""

from collections.abc import Sequence

from ..summaries import ArgumentView, SteelmanReport

from .extractive import summarize


class Extractive:
    """The default summary engine: offline, extractive (the Summarizer port)."""

    engine = "extractive"

    def summarize(self, arguments: Sequence[ArgumentView], sides: Sequence[str], per_side: int = 3) -> SteelmanReport:
        return summarize(arguments, sides, per_side)


__all__ = ["Extractive", "summarize"]
