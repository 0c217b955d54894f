"""Handlers of the moderators' record: /export (a file only they see) and /audit; the export job.

A small export is written in the command's own transaction and comes back with the reply; a large one
is queued as a job and arrives as a direct message when ready, so a command never holds the store long.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from bot import export
from bot.domain import AuditEntry, Job, Space
from bot.errors import Conflict
from bot.handlers.common import Ctx, find_debate
from bot.jobs import JobCtx, job_kind
from bot.messages import File, Message, Outgoing, Reply
from bot.ports import Summarizer, UnitOfWork

EXPORT = "export"
INLINE_RECORDS = 5000  # arguments + endorsements + positions; above this an export runs as a job


async def render_file(uow: UnitOfWork, space: Space, debate: tuple[int, int] | None, fmt: str, pseudonymize: bool,
                      now: datetime, summarizer: Summarizer) -> File:
    """The export as a file, read in this unit of work. `debate`: (id, number), or None for all."""
    async def read(work: Any) -> Any:
        return await work(uow)

    source = await export.source_for(read, space, debate[0] if debate else None, pseudonymize, now)
    out = io.BytesIO()
    await export.write(fmt, source, out, now, summarizer, export.space_record(space, pseudonymize))
    name = export.file_name(space, debate[1] if debate else None, fmt)
    return File(name, out.getvalue(), export.FORMATS[fmt][1])


def _what(debate: tuple[int, int] | None, fmt: str, pseudonymize: bool) -> str:
    which = f"debate #{debate[1]}" if debate else "every debate"
    return f"{which} as {fmt}" + (", pseudonymised" if pseudonymize else "")


async def export_(ctx: Ctx) -> Reply:
    fmt = export.check_format(ctx.args.get("format"))
    found = None if ctx.args.get("all") else await find_debate(ctx, "/export format:csv debate:1", share=True)
    debate = (found.id, found.number) if found else None
    concerned = [found] if found else await ctx.uow.debates(ctx.space.id)
    hidden = [d.number for d in concerned if d.tallies_hidden]
    if hidden:
        raise Conflict(f"Debate #{hidden[0]} hides its votes until its post-vote closes, so an export that "
                       "holds it waits until then.", "Export it once it is closed" +
                       (", or export another debate by number." if not found else "."))
    anonymous = [d.number for d in concerned if d.format.anonymous]
    asked = ctx.args.get("pseudonymize")
    pseudonymize = bool(asked) if asked is not None else bool(anonymous)  # anonymous votes: no names
    what = _what(debate, fmt, pseudonymize)
    named = ""
    if anonymous and not pseudonymize:  # a moderator asked for the names of anonymous voters: audited as such
        named = f", with the names of anonymous voters (debate{'s' if len(anonymous) > 1 else ''} " + \
            ", ".join(f"#{n}" for n in anonymous) + ")"
    await ctx.uow.audit(AuditEntry(found.id if found else None, ctx.actor.user_id, ctx.actor.name, "export",
                                   what + named, ctx.now, ctx.space.id))
    if anonymous and pseudonymize and asked is None:
        what += " (its votes are anonymous; pseudonymize:no names members, and is audited)"
    records = await ctx.uow.count_records(ctx.space.id, debate[0] if debate else None)
    if records <= INLINE_RECORDS:
        file = await render_file(ctx.uow, ctx.space, debate, fmt, pseudonymize, ctx.now, ctx.summarizer)
        return Reply(Message(f"Your export of {what} ({records:,} records) is attached; only you can see it.",
                             files=(file,)))
    payload = {"format": fmt, "pseudonymize": pseudonymize, "debate": list(debate) if debate else None,
               "to": ctx.actor.user_id, "channel": ctx.request.channel_id,
               "space": [ctx.space.platform, ctx.space.external_id, ctx.space.name]}
    key = f"{ctx.actor.user_id}:{ctx.request.event_key or ctx.now.isoformat()}"
    await ctx.uow.schedule(Job(EXPORT, ctx.now, ctx.space.id, key, payload=payload))
    return Reply(Message(f"Your export of {what} holds {records:,} records, so it is prepared in the "
                         "background: it arrives as a direct message to you within a few minutes."))


@job_kind(EXPORT)
async def export_job(ctx: JobCtx) -> bool:
    """A large export, written when its job fires and sent to the moderator who asked, only to them."""
    p = ctx.job.payload
    space = Space(ctx.job.space_id, *p["space"])
    debate = tuple(p["debate"]) if p["debate"] else None
    file = await render_file(ctx.uow, space, debate, p["format"], p["pseudonymize"], ctx.now, ctx.summarizer)
    text = f"Your export of {_what(debate, p['format'], p['pseudonymize'])} is ready."
    await ctx.uow.enqueue(space.id, Outgoing(Message(text, files=(file,)), p["channel"], direct_to=p["to"]),
                          ctx.now)
    return True


async def audit(ctx: Ctx) -> Reply:
    limit = ctx.args.get("limit") or 20
    entries = await ctx.uow.space_audit(ctx.space.id, limit)
    if not entries:
        return Reply(Message("No moderator action is recorded in this community yet."))
    numbers: dict[int, int] = {}
    for e in entries:
        if e.debate_id is not None and e.debate_id not in numbers:
            found = await ctx.uow.debate_by_id(e.debate_id)
            numbers[e.debate_id] = found.number if found else 0
    lines = [f"{e.at:%Y-%m-%d %H:%M} UTC · {e.actor_name} · {e.action}"
             + (f" · debate #{numbers[e.debate_id]}" if e.debate_id is not None else "")
             + (f" · {e.detail}" if e.detail else "") for e in entries]
    return Reply(Message("\n".join(lines), title=f"The last {len(entries)} moderator actions"))
