"""Handlers of standing: /leaderboard (minds changed, bridging arguments) and /credit remove.

A credit is a member saying which argument moved them. A moderator who judges one abusive (a friend
crediting a friend) removes it: the position stays, the credit goes, and both the leaderboard and any
results computed from then on count without it. The removal is audited.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from bot import results
from bot.domain import AuditEntry, Debate
from bot.errors import NotFound, UserError
from bot.handlers.common import Ctx, find_debate, views
from bot.messages import Field, Message, Reply
from bot.summaries import ArgumentView

TOP = 5
MONTH = timedelta(days=30)


@dataclass(frozen=True)
class Standing:
    movers: list[tuple[str, int]]  # author name, minds their arguments changed (credited moves)
    bridges: list[tuple[int, int, str, int]]  # debate number, argument, author name, endorsers of other sides


def bridging(debate: Debate, found: list[ArgumentView]) -> list[tuple[int, int, str, int]]:
    """Arguments endorsed by members who held another side (undecided counts as another side)."""
    out = []
    for a in found:
        across = sum(1 for _, side in a.endorsers if side != a.side)
        if across and a.author_id:
            out.append((debate.number, a.number, a.author_name, across))
    return out


def rank(moves: Counter, bridges: list[tuple[int, int, str, int]]) -> Standing:
    movers = sorted(moves.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
    return Standing(movers, sorted(bridges, key=lambda b: (-b[3], b[0], b[1]))[:TOP])


async def leaderboard(ctx: Ctx) -> Reply:
    period = (ctx.args.get("period") or "all").lower()
    if period not in ("month", "all"):
        raise UserError(f"There is no period {period!r}.", "Use period:month or period:all.", option="period")
    since = ctx.now - MONTH if period == "month" else None
    moves: Counter = Counter()
    bridges: list[tuple[int, int, str, int]] = []
    for debate in await ctx.uow.debates(ctx.space.id):
        if since and debate.created_at < since or debate.tallies_hidden:  # hidden votes count from close
            continue
        found = await views(ctx.uow, debate)
        authors = {a.number: a.author_name for a in found if a.author_id}
        outcome = results.compute(debate, await ctx.uow.positions(debate.id))
        moves.update({authors[n]: count for n, count in outcome.credited if n in authors})
        bridges += bridging(debate, found)
    standing = rank(moves, bridges)
    when = "debates started in the last 30 days" if since else "every debate"
    movers = "\n".join(f"{name}: {n} minds changed" for name, n in standing.movers) or "No credited moves yet."
    bridged = "\n".join(f"Debate #{d} #{n} by {name}: endorsed by {k} from other sides"
                        for d, n, name, k in standing.bridges) or "No argument endorsed across sides yet."
    return Reply(Message(f"Leaderboard of {when}.", title="Leaderboard",
                         fields=(Field("Changed the most minds", movers), Field("Most bridging", bridged))))


async def remove_credit(ctx: Ctx) -> Reply:
    debate = await find_debate(ctx, '/credit remove argument:3 reason:"credit trading"')
    number, who = ctx.args.get("argument"), ctx.args.get("member")
    member_id = None
    if who:
        held = {p.member_name.lower(): p.member_id for p in await ctx.uow.positions(debate.id)}
        member_id = held.get(who.lower().lstrip("@"))
        if member_id is None:
            raise NotFound(f"No member named {who!r} took a position in debate #{debate.number}.", option="member")
    removed = await ctx.uow.remove_credits(debate.id, number, member_id)
    if not removed:
        raise NotFound(f"No position in debate #{debate.number} credits argument #{number}"
                       + (f" by {who}" if who else "") + ".", "Credits are shown in the results and /leaderboard.",
                       option="argument")
    reason = ctx.args.get("reason") or ""
    detail = f"#{number}: {removed} credit{'s' if removed > 1 else ''} removed" + (f"; {reason}" if reason else "")
    await ctx.uow.audit(AuditEntry(debate.id, ctx.actor.user_id, ctx.actor.name, "credit remove", detail,
                                   ctx.now, ctx.space.id))
    return Reply(Message(f"Removed {removed} credit{'s' if removed > 1 else ''} of argument #{number} in debate "
                         f"#{debate.number}; the leaderboard and results count without {'them' if removed > 1 else 'it'}."))



