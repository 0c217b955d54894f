"""Handlers of the ideological Turing test: write the case of a side you do not hold; judge the entries
written for your side. The rules are in bot/itt.py."""

from __future__ import annotations

from bot import itt, render, render_itt, rules
from bot.domain import IttEntry, IttRating, UNDECIDED
from bot.errors import Conflict, NotFound, UserError
from bot.handlers.common import Ctx, check_pace, find_debate
from bot.messages import Message, Outgoing, Reply


async def write(ctx: Ctx) -> Reply:
    # the debate's row is held until commit: entries are numbered one after another
    debate = await find_debate(ctx, '/itt write debate:1 side:pause text:"..."')
    side = rules.resolve_side(debate, ctx.args.get("side"), allow_undecided=False)
    held = await ctx.uow.latest_position(debate.id, ctx.actor.user_id)
    itt.check_can_write(debate, held.side if held else None, side)
    before = await ctx.uow.itt_entry_by(debate.id, ctx.actor.user_id, side)
    if before is not None:
        raise Conflict(f"You already wrote entry #{before.number} for {debate.label(side)}: one entry per "
                       "side.",
                       "Write for another side you do not hold, or judge the entries written for yours.")
    await check_pace(ctx, debate, "itt_entries")
    made = await ctx.uow.add_itt_entry(IttEntry(debate.id, 0, ctx.actor.user_id, ctx.actor.name, held.side,
                                                side, ctx.args.get("text"), ctx.now))
    assert made is not None  # the debate's row is held, and no entry of this author for this side exists
    await ctx.emit(Outgoing(render_itt.entry(debate, made), debate.channel_id, debate.id, in_thread=True,
                            subject=("itt", made.number)))
    label = debate.label(side)
    return Reply(Message(f"ITT entry #{made.number} (the case for {label}) is posted in the thread of debate "
                         f"#{debate.number}, without your name; members of {label} judge it, and the results "
                         "credit you if it passes."))


async def rate(ctx: Ctx) -> Reply:
    debate = await find_debate(ctx, "/itt rate debate:1 entry:2 verdict:yes", share=True)
    given = str(ctx.args.get("verdict")).strip().lower()
    if given not in itt.VERDICTS:
        raise UserError(f"Option `verdict` must be yes or no; you gave {given[:20]!r}.",
                        "yes: someone on your side could have written it; no: it misses your side's case.",
                        option="verdict")
    number = ctx.args.get("entry")
    entry = await ctx.uow.itt_entry(debate.id, number)
    if entry is None:
        raise NotFound(f"Debate #{debate.number} has no ITT entry #{number}.",
                       "Entries are numbered in the debate's thread (ITT entry #1, #2, ...).", option="entry")
    held = await ctx.uow.latest_position(debate.id, ctx.actor.user_id)
    side = held.side if held else UNDECIDED
    itt.check_can_judge(debate, entry, ctx.actor.user_id, side)
    passed = itt.VERDICTS[given]
    mine = [r for r in await ctx.uow.itt_ratings(debate.id)
            if r.entry == entry.number and r.member_id == ctx.actor.user_id]
    said = "yes, one of you could have written it" if passed else "no, it misses your side's case"
    if mine and mine[-1].passed == passed:
        return Reply(render.notice(debate, f"You already answered for entry #{entry.number}: {said}."))
    await check_pace(ctx, debate, "itt_verdicts")
    await ctx.uow.rate_itt(IttRating(debate.id, entry.number, ctx.actor.user_id, ctx.actor.name, side, passed,
                                     ctx.now))
    changed = " (your earlier answer is replaced)" if mine else ""
    return Reply(render.notice(debate, f"Recorded for ITT entry #{entry.number}: {said}{changed}. "
                                       "Answer again to change it; the results come when the debate closes."))
