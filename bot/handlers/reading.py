"""Handlers that only read: the steelman on demand and help."""

from __future__ import annotations

from bot import render, rules
from bot.handlers.common import Ctx, find_debate, summarize
from bot.messages import Reply


async def steelman(ctx: Ctx) -> Reply:
    debate = await find_debate(ctx, "/steelman debate:1", share=True)
    only = ctx.args.get("side")
    side = rules.resolve_side(debate, only, allow_undecided=False) if only else None
    report = await summarize(ctx.uow, debate, ctx.summarizer)
    return Reply(render.steelman_summary(debate, report, side), ephemeral=False)


async def help_(ctx: Ctx) -> Reply:
    from bot import catalog  # the catalog names this handler, so it is looked up when asked, not imported

    name = ctx.args.get("command")
    command = catalog.find(name.removeprefix("/")) if name else None
    return Reply(render.help_text(catalog.CATALOG, command, ctx.actor.is_moderator))
