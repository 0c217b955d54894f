"""Handlers of removal: /forget-me (a member's right to be forgotten) and /argument delete (a moderator's).

Forgetting keeps the debate readable: argument numbers stay, their text becomes a removal note and the
posted messages are edited to it; positions, endorsements and steelman ratings go. Aggregates already
published (results posts) stay as published; everything stored that still names the member is scrubbed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot import render
from bot.domain import AuditEntry, Space
from bot.errors import Conflict, NotFound
from bot.handlers.common import Ctx, find_debate
from bot.messages import Button, Message, Outgoing, Reply
from bot.ports import UnitOfWork

FORGOTTEN = "(removed at the author's request)"
PLACEHOLDER = "(forgotten member)"
SCRUBBED = "(this message was removed at a member's request)"


@dataclass(frozen=True)
class Forgotten:
    arguments: int
    positions: int
    endorsements: int
    ratings: int = 0

    def __str__(self) -> str:
        return (f"{self.arguments} arguments replaced, {self.positions} positions, "
                f"{self.endorsements} endorsements and {self.ratings} steelman ratings deleted")


async def _replace(uow: UnitOfWork, space: Space, debate_id: int, number: int, note: str, unlink: bool,
                   now: datetime) -> None:
    """The argument's text becomes `note`, and its posted message is edited to show it."""
    await uow.replace_argument(debate_id, number, note, unlink)
    debate = await uow.debate_by_id(debate_id)
    arg = await uow.argument(debate_id, number)
    first = await uow.outbox_id_of(space.id, ("argument", number), debate_id)
    if debate is None or arg is None or first is None:
        return
    await uow.enqueue(space.id, Outgoing(render.argument(debate, arg), debate.channel_id, debate_id,
                                         in_thread=True, edit_of=first), now)


def needles(member_id: str, names: list[str], texts: list[str]) -> list[str]:
    """What, found in a stored body, means it still holds the member: their id, names (also as JSON
    escapes them) and texts (and their opening, which summaries quote when they shorten)."""
    found = [member_id, *names, *(json.dumps(n)[1:-1] for n in names)]
    for text in texts:
        found += [text, text[:60], json.dumps(text, ensure_ascii=False)[1:61]]
    return [n for n in found if len(n) >= 3]  # shorter would match everyone's messages


async def forget(uow: UnitOfWork, space: Space, member_id: str, actor: str, now: datetime) -> Forgotten:
    """Erase a member from a community; audited without content (the action and counts only)."""
    written = await uow.member_arguments(space.id, member_id)
    entries = await uow.member_itt_entries(space.id, member_id)
    erased = await uow.erase_member(space.id, member_id, PLACEHOLDER, FORGOTTEN)
    for debate_id, number in entries:  # their Turing-test entries are deleted: their posts say so
        first = await uow.outbox_id_of(space.id, ("itt", number), debate_id)
        debate = await uow.debate_by_id(debate_id)
        if first is not None and debate is not None:
            gone = Message(FORGOTTEN, title=f"ITT entry #{number}", kind="argument")
            edit = Outgoing(gone, debate.channel_id, debate_id, in_thread=True, edit_of=first)
            await uow.enqueue(space.id, edit, now)
    for debate_id, number, _ in written:
        await _replace(uow, space, debate_id, number, FORGOTTEN, True, now)
    texts = [t for _, _, t in written] + erased["texts"]
    await uow.scrub(space.id, needles(member_id, erased["names"], texts), SCRUBBED)
    done = Forgotten(len(written), erased["positions"], erased["endorsements"], erased["ratings"])
    await uow.audit(AuditEntry(None, actor, actor, "forget-me", str(done), now, space.id))
    return done


async def forget_me(ctx: Ctx) -> Reply:
    if not ctx.args.get("confirm"):
        return Reply(Message(
            "This deletes your positions, endorsements and steelman ratings in this community and replaces "
            "the text of your arguments with a removal note (their numbers stay, so threads still make "
            "sense). It cannot be undone. Results already posted stay as they were posted.",
            title="Forget me?",
            buttons=(Button("Yes, forget me", "forget-me", (("confirm", True),), "danger"),)))
    done = await forget(ctx.uow, ctx.space, ctx.actor.user_id, PLACEHOLDER, ctx.now)
    return Reply(Message(f"Done: you are forgotten in this community ({done})."))


async def delete_argument(ctx: Ctx) -> Reply:
    debate = await find_debate(ctx, '/argument delete argument:3 reason:"personal attack"')
    number, reason = ctx.args.get("argument"), ctx.args.get("reason")
    arg = await ctx.uow.argument(debate.id, number)
    if arg is None:
        raise NotFound(f"Debate #{debate.number} has no argument #{number}.", option="argument")
    note = f"(removed by a moderator: {reason})"
    if arg.text == note:
        raise Conflict(f"Argument #{number} is already removed.", option="argument")
    await _replace(ctx.uow, ctx.space, debate.id, number, note, False, ctx.now)
    await ctx.uow.scrub(ctx.space.id, needles("", [], [arg.text]), SCRUBBED)
    await ctx.uow.audit(AuditEntry(debate.id, ctx.actor.user_id, ctx.actor.name, "argument delete",
                                   f"#{number}: {reason}", ctx.now, ctx.space.id))
    return Reply(Message(f"Argument #{number} of debate #{debate.number} is removed; its message now says why."))

