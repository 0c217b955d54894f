"""Steelman engines: the extractive default (offline, standard library only)."""

from collections.abc import Sequence

from ..summaries import ArgumentView, SteelmanReport

from .extractive import DEFAULT, Tuning, summarize
from .model import Models


class Extractive:
    """The default summary engine: offline, extractive (the Summarizer port)."""

    engine = "extractive"

    def __init__(self, models: Models | None = None, tuning: Tuning = DEFAULT):
        self.models = models  # None: the shipped weights; the bench passes models trained without a fold
        self.tuning = tuning  # the bench's nested cross-validation tries others

    def summarize(self, arguments: Sequence[ArgumentView], sides: Sequence[str], per_side: int = 3
                  ) -> SteelmanReport:
        return summarize(arguments, sides, per_side, self.models, self.tuning)


__all__ = ["Extractive", "Tuning", "summarize"]
