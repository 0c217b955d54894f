"""/remind me: a member who voted in the pre-vote asks for a direct message when the post-vote opens, to
come back and say where they stand now; /remind off takes it back. The message goes out when the debate
enters its post-vote (handlers/common.py), once."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot import render
from bot.domain import Debate, State
from bot.errors import Conflict
from bot.handlers.common import Ctx, find_debate
from bot.messages import Message, Reply


def post_vote_opens(debate: Debate) -> datetime | None:
    """When the post-vote is due to open, as the debate's deadlines stand now."""
    if debate.phase_ends_at is None or debate.phase >= debate.format.post_vote_phase:
        return None
    rest = range(debate.phase + 1, debate.format.post_vote_phase)
    return debate.phase_ends_at + sum((debate.format.phase_duration(p) for p in rest), timedelta(0))


def _due(debate: Debate) -> str:
    return render.when(post_vote_opens(debate))


async def remind_me(ctx: Ctx) -> Reply:
    debate = await find_debate(ctx, "/remind me debate:1", share=True)
    n = debate.number
    if not debate.state.active:
        raise Conflict(f"Debate #{n} is {debate.state.value}; there is no post-vote left to remind you of.")
    mine = await ctx.uow.positions(debate.id, ctx.actor.user_id)
    if any(p.phase == debate.format.post_vote_phase for p in mine):
        raise Conflict(f"You already voted in the post-vote of debate #{n}, so there is nothing to remind "
                       "you of.",
                       "You can still change your position with /position while the post-vote is open.")
    if debate.state is State.POST_VOTE:
        closes = render.when(debate.phase_ends_at)
        raise Conflict(f"The post-vote of debate #{n} is open now.",
                       f"Record where you stand now with /position; it closes {closes}.")
    if not any(p.phase == 0 for p in mine):
        if debate.state is State.PRE_VOTE:
            raise Conflict(f"You have not voted in the pre-vote of debate #{n} yet; the reminder is for "
                           "members who did, to come back after the rounds.",
                           "Record your starting position with /position, then ask again with /remind me.")
        raise Conflict(f"You did not vote in the pre-vote of debate #{n}, so the reminder (to come back and "
                       "compare) is not for you.",
                       f"You can still vote when the post-vote opens, due {_due(debate)}.")
    if not await ctx.uow.request_reminder(ctx.space.id, debate.id, ctx.actor.user_id, ctx.now):
        raise Conflict(f"You already asked for a reminder for debate #{n}; you will get one message.",
                       f"To stop it: /remind off debate:{n}.")
    return Reply(Message(f"I will send you a direct message once when the post-vote of debate #{n} opens "
                         f"(due {_due(debate)}). To stop it: /remind off debate:{n}."))


async def remind_off(ctx: Ctx) -> Reply:
    debate = await find_debate(ctx, "/remind off debate:1", share=True)
    if not await ctx.uow.cancel_reminder(ctx.space.id, debate.id, ctx.actor.user_id):
        raise Conflict(f"You have not asked for a reminder for debate #{debate.number}, so there is none "
                       "to stop.",
                       "Ask for one with /remind me (if you voted in the pre-vote).")
    return Reply(Message(f"Your reminder for debate #{debate.number} is cancelled; no message will come."))
