"""Handlers that only read: help (the steelman on demand is in steelman.py)."""

from __future__ import annotations

from bot import render
from bot.handlers.common import Ctx
from bot.messages import Reply


async def help_(ctx: Ctx) -> Reply:
    from bot import catalog  # the catalog names this handler, so it is looked up when asked, not imported

    name = ctx.args.get("command")
    command = catalog.find(name.removeprefix("/")) if name else None
    return Reply(render.help_text(catalog.CATALOG, command, ctx.actor.is_moderator))
