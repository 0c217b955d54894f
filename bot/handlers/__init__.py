"""One handler per command, registered in a plain dict keyed by the catalog's command name."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot import commands, render, rules
from bot.handlers import debates, members
from bot.handlers.common import Ctx, Request, find_debate, summarize
from bot.messages import Reply


async def steelman(ctx: Ctx) -> Reply:
    debate = await find_debate(ctx, "/steelman debate:1", share=True)
    only = ctx.args.get("side")
    side = rules.resolve_side(debate, only, allow_undecided=False) if only else None
    report = await summarize(ctx.uow, debate, ctx.summarizer)
    return Reply(render.steelman_summary(debate, report, side), ephemeral=False)


async def help_(ctx: Ctx) -> Reply:
    name = ctx.args.get("command")
    command = commands.find(name.removeprefix("/")) if name else None
    return Reply(render.help_text(command, ctx.actor.is_moderator))


Handler = Callable[[Ctx], Awaitable[Reply]]

HANDLERS: dict[str, Handler] = {
    "debate start": debates.start,
    "debate status": debates.status,
    "debate list": debates.list_,
    "debate next": debates.next_,
    "debate extend": debates.extend,
    "debate close": debates.close,
    "debate cancel": debates.cancel,
    "argue": members.argue,
    "rebut": members.rebut,
    "endorse": members.endorse,
    "position": members.position,
    "steelman": steelman,
    "history": members.history,
    "help": help_,
}

__all__ = ["HANDLERS", "Ctx", "Request"]
