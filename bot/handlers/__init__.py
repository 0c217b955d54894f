"""One handler per command; the catalog (bot/catalog.py) names each beside its declaration."""

from bot.handlers.common import Ctx, Request

__all__ = ["Ctx", "Request"]
