"""Handlers of what every member does: argue, rebut, endorse, take a position, read their history."""

from __future__ import annotations

from bot import render, rules
from bot.errors import Conflict, NotFound, UserError
from bot.handlers.common import Ctx, check_pace, find_debate, refresh_card
from bot.handlers.votes import cast
from bot.domain import WITHDRAWN, Argument, Debate, Position, Restatement, UNDECIDED
from bot.messages import Message, Outgoing, Reply


async def _existing(ctx: Ctx, debate: Debate, number: int) -> Argument:
    found = await ctx.uow.argument(debate.id, number)
    if found is None:
        raise NotFound(f"Debate #{debate.number} has no argument #{number}.",
                       "Argument numbers are shown in the debate's thread.")
    return found


async def _side_for_argument(ctx: Ctx, debate: Debate) -> str:
    given = ctx.args.get("side")
    if given:
        return rules.resolve_side(debate, given, allow_undecided=False)
    held = await ctx.uow.latest_position(debate.id, ctx.actor.user_id)
    if held and held.side != UNDECIDED:
        return held.side
    choices = ", ".join(f"side:{k}" for k in debate.side_keys)
    raise UserError("Say which side this argument supports.", f"Add one of: {choices}.")


async def _post_argument(ctx: Ctx, rebuts: int | None) -> Reply:
    example = '/argue debate:1 text:"..."' if rebuts is None else '/rebut debate:1 argument:2 text:"..."'
    debate = await find_debate(ctx, example)
    rules.require_active(debate, "add arguments")
    restated = _restatement(ctx, debate, rebuts)
    if rebuts is not None:
        await _existing(ctx, debate, rebuts)
    side = await _side_for_argument(ctx, debate)
    limited = debate.current_round is not None and debate.current_round.per_person_limit is not None
    already = await ctx.uow.count_arguments(debate.id, ctx.actor.user_id, debate.phase) if limited else 0
    rules.check_can_argue(debate, side, already)
    await check_pace(ctx, debate, "arguments")
    arg = await ctx.uow.add_argument(Argument(
        debate.id, 0, ctx.actor.user_id, ctx.actor.name, side, debate.phase, ctx.args.get("text"), ctx.now, rebuts
    ))
    restatement = None
    if restated is not None:
        restatement = Restatement(debate.id, arg.number, rebuts, restated)
        await ctx.uow.add_restatement(restatement)
    await ctx.emit(Outgoing(render.argument(debate, arg, restatement), debate.channel_id, debate.id,
                            in_thread=True, subject=("argument", arg.number)))
    await refresh_card(ctx.uow, debate, ctx.now)
    return Reply(Message(f"Argument #{arg.number} ({debate.label(side)}) is posted in the thread of debate "
                         f"#{debate.number}."))


def _restatement(ctx: Ctx, debate: Debate, rebuts: int | None) -> str | None:
    """The rebuttal's one-line restatement of what it answers: required where the format says so."""
    given = ctx.args.get("restatement")
    if given is not None and rebuts is None:
        raise UserError("A restatement opens a rebuttal: name the argument you answer with `argument:N`.",
                        option="restatement")
    if given is None and rebuts is not None and debate.format.restate:
        raise UserError(f"Debate #{debate.number} asks each rebuttal to start by restating, in one line, the "
                        f"argument it answers (#{rebuts}).",
                        'Add restatement:"..." as its author would put it; they may accept it as theirs.',
                        option="restatement")
    if given is not None and "\n" in given:
        raise UserError("A restatement is one line; yours has line breaks.",
                        "Put the gist of the argument you answer in one sentence.", option="restatement")
    return given


async def argue(ctx: Ctx) -> Reply:
    """An argument; one that names the argument it answers is a rebuttal (so a form can offer both)."""
    return await _post_argument(ctx, ctx.args.get("argument"))


async def rebut(ctx: Ctx) -> Reply:
    return await _post_argument(ctx, ctx.args.get("argument"))


async def endorse(ctx: Ctx) -> Reply:
    """An endorsement is the agree vote (one vocabulary, see handlers/votes.py): recorded as one."""
    debate = await find_debate(ctx, "/endorse debate:1 argument:3", share=True)
    rules.require_active(debate, "endorse arguments")
    number = ctx.args.get("argument")
    arg = await _existing(ctx, debate, number)
    if ctx.args.get("withdraw"):
        if await ctx.uow.current_vote(debate.id, number, ctx.actor.user_id) != "agree":
            raise Conflict(f"You had not endorsed #{number}, so there is nothing to withdraw.")
        await cast(ctx, debate, number, WITHDRAWN, arg)
        return Reply(Message(f"Your endorsement of #{number} is withdrawn."))
    if arg.author_id == ctx.actor.user_id:
        raise Conflict(f"#{number} is your own argument, and endorsements are for other people's points.",
                       "Endorse the strongest points you read from others, on any side.")
    held, changed = await cast(ctx, debate, number, "agree", arg)
    if not changed:
        return Reply(Message(f"You already endorsed #{number}."))
    before = f" (you had voted {held})" if held else ""
    label = debate.label(arg.side)
    return Reply(Message(f"You endorsed #{number} ({label}){before}: that is your agree vote."))


async def position(ctx: Ctx) -> Reply:
    debate = await find_debate(ctx, "/position debate:1 side:for", share=True)
    rules.require_active(debate, "change positions")
    rules.check_membership_age(ctx.actor, ctx.settings.bot.min_membership_age, ctx.now)
    side = rules.resolve_side(debate, ctx.args.get("side"), allow_undecided=True)
    credited = ctx.args.get("credit")
    if credited is not None:
        moved_by = await _existing(ctx, debate, credited)
        if moved_by.author_id == ctx.actor.user_id:
            raise Conflict(f"#{credited} is your own argument: credit is for the argument that moved you.",
                           "Leave `credit` out, or name another member's argument.", option="credit")
    last = await ctx.uow.latest_position(debate.id, ctx.actor.user_id)
    confidence, reason = ctx.args.get("confidence"), ctx.args.get("reason")
    if rules.is_repeat(last, side, confidence, reason, credited):
        return Reply(Message(f"You already stand with {debate.label(side)} in debate #{debate.number}."))
    await check_pace(ctx, debate, "position_changes")
    await ctx.uow.append_position(Position(
        debate.id, ctx.actor.user_id, ctx.actor.name, side, confidence, reason, credited, debate.phase, ctx.now
    ))
    await refresh_card(ctx.uow, debate, ctx.now)
    previous = last.side if last else None
    verb = "now stand with" if previous and previous != side else "stand with"
    sure = f" ({confidence}% sure)" if confidence is not None else ""
    return Reply(Message(f"Recorded: you {verb} {debate.label(side)}{sure} in debate #{debate.number} "
                         f"({debate.phase_name})."))


HISTORY_PAGE = 10  # positions per /history page


async def history(ctx: Ctx) -> Reply:
    debate = await find_debate(ctx, "/history debate:1", share=True)
    page = ctx.args.get("page") or 1
    entries, total = await ctx.uow.position_page(debate.id, ctx.actor.user_id, HISTORY_PAGE, page)
    pages = max(1, -(-total // HISTORY_PAGE))
    if page > pages:
        plural = "s" if pages != 1 else ""
        raise UserError(f"Your history in debate #{debate.number} has {pages} page{plural}.",
                        f"Ask for page 1 to {pages}.", option="page")
    return Reply(render.history(debate, entries, page, pages))
