"""Restate before you rebut: the author of an argument says whether a rebuttal's one-line restatement
of it is their point. An accepted restatement is shown with the rebuttal; a refused one is taken off it.
The author may change their answer while the debate runs (the rebuttal's post is edited each time)."""

from __future__ import annotations

from bot import render, rules
from bot.domain import Restatement
from bot.errors import Forbidden, NotFound
from bot.handlers.common import Ctx, check_pace, find_debate
from bot.messages import Outgoing, Reply


async def judge(ctx: Ctx) -> Reply:
    debate = await find_debate(ctx, "/restatement rebuttal:5 accept:yes", share=True)
    rules.require_active(debate, "answer restatements")
    number = ctx.args.get("rebuttal")
    rebuttal = await ctx.uow.argument(debate.id, number)
    restated = await ctx.uow.restatement(debate.id, number) if rebuttal else None
    if rebuttal is None or restated is None:
        raise NotFound(f"Argument #{number} of debate #{debate.number} restates no argument.",
                       "Name a rebuttal that opens with a restatement of yours.", option="rebuttal")
    original = await ctx.uow.argument(debate.id, restated.restates)
    if original is None or original.author_id != ctx.actor.user_id:
        who = original.author_name if original else "its author"
        raise Forbidden(f"Only {who}, who wrote #{restated.restates}, can say whether #{number} restates it.")
    accepted = bool(ctx.args.get("accept"))
    if restated.accepted is accepted:
        said = "accepted" if accepted else "did not accept"
        text = f"You already {said} #{number}'s restatement of #{restated.restates}."
        return Reply(render.notice(debate, text))
    await check_pace(ctx, debate, "restatement_answers", note=True)
    await ctx.uow.judge_restatement(debate.id, number, accepted, ctx.now)
    judged = Restatement(debate.id, number, restated.restates, restated.text, accepted, ctx.now)
    first = await ctx.uow.outbox_id_of(ctx.space.id, ("argument", number), debate.id)
    if first is not None:
        await ctx.emit(Outgoing(render.argument(debate, rebuttal, judged), debate.channel_id, debate.id,
                                in_thread=True, edit_of=first))
    if accepted:
        text = (f"You accepted #{number}'s restatement of #{restated.restates} as your point: it is shown "
                "with the rebuttal.")
    else:
        text = (f"You did not accept #{number}'s restatement of #{restated.restates}: it is taken off the "
                "rebuttal.")
    return Reply(render.notice(debate, text))
