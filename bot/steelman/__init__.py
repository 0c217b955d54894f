"""Steelman engines: the extractive default (offline, standard library only)."""

from .extractive import summarize

__all__ = ["summarize"]
