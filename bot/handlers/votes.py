"""Agree / disagree / pass on arguments, and the opinion groups those votes reveal (issue 18).

One vocabulary: an endorsement *is* the agree vote. `/endorse` and `/vote vote:agree` record the same
thing, a 👍 does it too, and the steelman's bridging and common ground read the same agrees the opinion
groups do. Votes are append-only like positions: a member's latest vote on an argument counts, and a
change is a new row. A member does not vote on their own argument: as in Polis, an author agrees with
what they wrote, and the groups count it so.
"""

from __future__ import annotations

from bot import opinion, render_opinion
from bot.domain import UNDECIDED, Argument, ArgumentVote, Debate, VOTES, WITHDRAWN
from bot.errors import Conflict, NotFound, UserError
from bot.handlers.common import Ctx, check_pace, find_debate, summarize
from bot.messages import Message, Outgoing, Reply
from bot.opinion import OpinionResult, OpinionSettings
from bot.ports import UnitOfWork
from bot.rules import require_active

VALUES = {"agree": opinion.AGREE, "disagree": opinion.DISAGREE, "pass": opinion.PASS}
SAID = {"agree": "agree with", "disagree": "disagree with", "pass": "pass on"}
CHOICES = (*VOTES, "withdraw")


async def _argument(ctx: Ctx, debate: Debate, number: int):
    found = await ctx.uow.argument(debate.id, number)
    if found is None:
        raise NotFound(f"Debate #{debate.number} has no argument #{number}.",
                       "Argument numbers are shown in the debate's thread.", option="argument")
    return found


async def cast(ctx: Ctx, debate: Debate, number: int, vote: str, arg: Argument | None = None
               ) -> tuple[str | None, bool]:
    """Record the member's vote (or its withdrawal) on argument `number` (`arg`, when the caller has read
    it already): (the vote it replaced, whether anything changed). A repeat of the vote they hold changes
    nothing, so an event or a click that arrives twice is counted once."""
    require_active(debate, "vote on arguments")
    arg = arg if arg is not None and arg.number == number else await _argument(ctx, debate, number)
    if arg.author_id == ctx.actor.user_id:
        raise Conflict(f"#{number} is your own argument: it already counts as your agree vote.",
                       "Vote on other members' arguments, on any side.", option="argument")
    held = await ctx.uow.current_vote(debate.id, number, ctx.actor.user_id)
    if vote == WITHDRAWN and held is None or vote == held:
        return held, False
    await check_pace(ctx, debate, "votes")
    await ctx.uow.cast_vote(ArgumentVote(debate.id, number, ctx.actor.user_id, ctx.actor.name, vote, ctx.now))
    return held, True


async def vote(ctx: Ctx) -> Reply:
    debate = await find_debate(ctx, "/vote debate:1 argument:3 vote:agree", share=True)
    number, chosen = ctx.args.get("argument"), (ctx.args.get("vote") or "").lower()
    if chosen not in CHOICES:
        raise UserError(f"There is no vote {chosen!r}." if chosen else "Say how you vote.",
                        "Use vote:agree, vote:disagree or vote:pass (vote:withdraw takes your vote back).",
                        option="vote")
    arg = await _argument(ctx, debate, number)
    held, changed = await cast(ctx, debate, number, WITHDRAWN if chosen == "withdraw" else chosen, arg)
    label = debate.label(arg.side)
    if chosen == "withdraw":
        if not changed:
            raise Conflict(f"You had not voted on #{number}, so there is nothing to withdraw.", option="vote")
        return Reply(Message(f"Your vote on #{number} is withdrawn (you had voted {held})."))
    if not changed:
        return Reply(Message(f"You already {SAID[chosen]} #{number}."))
    also = " That is also your endorsement." if chosen == "agree" else ""
    before = f" (you voted {held} before)" if held else ""
    return Reply(Message(f"You {SAID[chosen]} #{number} ({label}){before}.{also}"))


def settings_of(chosen) -> OpinionSettings:
    """The engine's settings from the `[opinion]` section (None: the defaults)."""
    if chosen is None:
        return OpinionSettings()
    return OpinionSettings(min_votes=chosen.min_votes, min_members=chosen.min_members,
                           groups=(chosen.min_groups, chosen.max_groups))


async def engine_votes(uow: UnitOfWork, debate: Debate) -> list[opinion.Vote]:
    """Every member's current vote as the engine takes it, with the side they hold now; an author's
    own arguments are their agree votes."""
    sides = {p.member_id: p.side for p in await uow.positions(debate.id)}  # oldest first: latest wins
    out = [opinion.Vote(a.author_id, a.number, opinion.AGREE, sides.get(a.author_id, UNDECIDED), 0.0)
           for a in await uow.arguments(debate.id) if a.author_id]
    latest: dict[tuple[str, int], ArgumentVote] = {}
    for v in await uow.votes(debate.id):  # oldest first: the latest per member and argument counts
        latest[v.member_id, v.argument] = v
    for (member, number), v in sorted(latest.items()):
        if v.vote in VALUES:
            out.append(opinion.Vote(member, number, VALUES[v.vote], sides.get(member, UNDECIDED), 1.0))
    return out


async def groups_of(uow: UnitOfWork, debate: Debate, settings=None) -> OpinionResult | None:
    """The opinion groups of the debate's votes; None when numpy (the `opinion` extra) is missing."""
    if not opinion.available():
        return None
    return opinion.find_groups(await engine_votes(uow, debate), settings_of(settings))


async def names(uow: UnitOfWork, debate: Debate) -> dict[str, str]:
    known = {a.author_id: a.author_name for a in await uow.arguments(debate.id) if a.author_id}
    known.update({p.member_id: p.member_name for p in await uow.positions(debate.id)})
    known.update({v.member_id: v.member_name for v in await uow.votes(debate.id)})
    return known


async def groups(ctx: Ctx) -> Reply:
    """The opinion groups so far, on request, posted in the debate's thread with the map (the results
    post them again at close)."""
    debate = await find_debate(ctx, "/groups debate:1", share=True)
    if debate.tallies_hidden:  # how members vote is the crowd's count too: it waits for the close
        raise Conflict(f"Voting is hidden in debate #{debate.number}: its opinion groups come with the "
                       "results, once the post-vote closes.")
    if not opinion.available():
        raise UserError("Opinion groups need numpy, which this bot was installed without.",
                        "Ask the operator to install the extra: pip install 'steelman[opinion]'.")
    await check_pace(ctx, debate, "group_maps", note=True)  # each request computes the groups anew
    found = await groups_of(ctx.uow, debate, ctx.settings.opinion)
    assert found is not None  # numpy is there
    arguments = {a.number: a for a in await ctx.uow.arguments(debate.id)}
    if not found.found:  # nothing to post for everyone: say why to the one who asked
        return Reply(render_opinion.groups(debate, found, arguments))
    common = {p.number for p in (await summarize(ctx.uow, debate, ctx.summarizer)).common_ground}
    message = render_opinion.with_map(render_opinion.groups(debate, found, arguments, common), debate, found)
    await ctx.emit(Outgoing(message, debate.channel_id, debate.id, in_thread=True))
    return Reply(Message(f"{found.reason}: posted in the thread of debate #{debate.number}, with the map."))
