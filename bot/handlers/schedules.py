"""Handlers of /schedule and the job kind that runs a schedule when it is due.

A schedule's next run time is stored on its row, and its run is queued on the agenda in the same
transaction, under a key naming the schedule and the run ("schedule:7:2026-12-04T17:00Z"). The run's job
fires once (claimed like every job) and, in the transaction that marks it done, stores and queues the next
run. A run found late (the bot was down) fires within the grace window, else it is skipped and logged.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot import rules, scheduling
from bot.config import Settings
from bot.domain import Actor, Job, Schedule, State
from bot.errors import Conflict, NotFound, UserError
from bot.handlers.common import Ctx, record_space
from bot.handlers.debates import launch
from bot.jobs import JobCtx, job_kind
from bot.messages import Message, OutboxItem, Outgoing, Reply
from bot.ports import Summarizer, UnitOfWork

log = logging.getLogger("steelman.schedules")
SCHEDULED = "scheduled_prompt"


def run_job(s: Schedule) -> Job:
    at = s.next_run_at
    return Job(
        SCHEDULED,
        at,
        s.space_id,
        f"schedule:{s.id}:{at:%Y-%m-%dT%H:%MZ}",
        payload={"schedule": s.id, "run": at.isoformat()},
    )


def _channel(value: str | None, here: str) -> str:
    if not value:
        return here
    value = value.strip()  # a platform's channel mention arrives here as the channel's id
    if not re.fullmatch(r"#?[\w-]{1,80}", value):
        raise UserError(
            f"{value!r} is not a channel.",
            "Name it as #channel, or leave `channel` out for this one.",
            option="channel",
        )
    return value.lstrip("#")


def _what(ctx: Ctx) -> tuple[str, str]:
    """(source, text): exactly one of a fixed motion, the queue, or a plain prompt."""
    given = {k: ctx.args.get(k) for k in ("motion", "from", "prompt") if ctx.args.get(k)}
    if len(given) != 1:
        raise UserError(
            'Say what the schedule starts: one of `motion:"..."`, `from:queue` or `prompt:"..."`.',
            option="motion" if not given else sorted(given)[1],
        )
    if "from" in given:
        if given["from"].lower() != "queue":
            raise UserError(
                f"`from` can only be `queue`; you gave {given['from']!r}.", option="from"
            )
        return "queue", ""
    return ("motion", given["motion"]) if "motion" in given else ("prompt", given["prompt"])


def _format(ctx: Ctx) -> str:
    name = ctx.args.get("format") or ctx.settings.bot.default_format
    if name not in ctx.settings.formats:
        raise UserError(
            f"There is no format {name!r}.",
            f"Formats: {', '.join(sorted(ctx.settings.formats))}.",
            option="format",
        )
    return name


def _times(s: Schedule, tz: ZoneInfo, now: datetime, count: int = 3) -> str:
    first = s.next_run_at or now  # the stored next run is itself the first shown
    return "; ".join(
        f"{t.astimezone(tz):%a %d %b %H:%M %Z} ({t:%H:%M} UTC)"
        for t in scheduling.runs(s.cron, tz, first - timedelta(microseconds=1), count)
    )


def _what_text(s: Schedule) -> str:
    return {
        "queue": "the top motion of the queue",
        "motion": f"“{s.text}”",
        "prompt": f"prompt “{s.text}”",
    }[s.source]


async def add(ctx: Ctx) -> Reply:
    cron = scheduling.parse_when(ctx.args.get("when"))
    zone_name = ctx.args.get("zone") or ctx.settings.schedule.default_zone
    tz = scheduling.zone(zone_name)
    scheduling.check_interval(cron, tz, ctx.now, ctx.settings.schedule.min_interval)
    source, text = _what(ctx)
    fmt, channel = _format(ctx), _channel(ctx.args.get("channel"), ctx.request.channel_id)
    limit = ctx.settings.schedule.max_per_space
    if len(await ctx.uow.schedules(ctx.space.id)) >= limit:
        raise Conflict(
            f"This community already has {limit} schedules, the most it may have.",
            "Remove one with /schedule remove schedule:N first.",
        )
    s = await ctx.uow.add_schedule(
        Schedule(
            0,
            ctx.space.id,
            0,
            cron,
            zone_name,
            channel,
            fmt,
            source,
            text,
            "active",
            scheduling.next_run(cron, tz, ctx.now),
            "",
            ctx.actor.user_id,
            ctx.actor.name,
            ctx.now,
        )
    )
    await ctx.uow.schedule(run_job(s))
    await record_space(ctx, "schedule add", f"schedule #{s.number}: {scheduling.describe(cron)} "
                       f"({zone_name}) in #{channel}, {_what_text(s)}, format {fmt}")
    return Reply(
        Message(
            f"Schedule #{s.number}: {scheduling.describe(cron)} ({zone_name}) in #{channel}, "
            f"{_what_text(s)}, format {fmt}. Next: {_times(s, tz, ctx.now, 1)}."
        )
    )


async def list_(ctx: Ctx) -> Reply:
    found = await ctx.uow.schedules(ctx.space.id)
    if not found:
        return Reply(
            Message(
                'No schedules yet. A moderator adds one with /schedule add when:"every friday 18:00".'
            )
        )
    lines = []
    for s in found:
        head = (
            f"#{s.number} {scheduling.describe(s.cron)} ({s.zone}) in #{s.channel_id}: {_what_text(s)}, "
            f"format {s.format}"
        )
        tz = scheduling.zone(s.zone)
        state = (
            f"next {_times(s, tz, ctx.now)}"
            if s.state == "active"
            else f"paused{': ' + s.note if s.note else ''}"
        )
        lines.append(f"{head}\n    {state}")
    return Reply(Message("\n".join(lines), title="Schedules"))


async def _find(ctx: Ctx) -> Schedule:
    number = ctx.args.get("schedule")
    s = await ctx.uow.schedule_of(ctx.space.id, number)
    if s is None or s.state == "removed":
        raise NotFound(
            f"There is no schedule #{number} here.",
            "See them with /schedule list.",
            option="schedule",
        )
    return s


async def _stop(uow: UnitOfWork, s: Schedule, state: str, note: str) -> None:
    if s.next_run_at is not None:
        await uow.cancel_job(s.space_id, SCHEDULED, run_job(s).key)
    s.state, s.next_run_at, s.note = state, None, note
    await uow.save_schedule(s)


async def pause(ctx: Ctx) -> Reply:
    s = await _find(ctx)
    if s.state != "active":
        raise Conflict(
            f"Schedule #{s.number} is already paused.",
            f"Resume it with /schedule resume schedule:{s.number}.",
        )
    await _stop(ctx.uow, s, "paused", f"paused by {ctx.actor.name}")
    await record_space(ctx, "schedule pause", f"schedule #{s.number}")
    return Reply(Message(f"Schedule #{s.number} is paused; nothing runs until it is resumed."))


async def resume(ctx: Ctx) -> Reply:
    s = await _find(ctx)
    if s.state == "active":
        raise Conflict(f"Schedule #{s.number} is not paused.")
    tz = scheduling.zone(s.zone)
    s.state, s.note, s.next_run_at = "active", "", scheduling.next_run(s.cron, tz, ctx.now)
    await ctx.uow.save_schedule(s)
    await ctx.uow.schedule(run_job(s))
    await record_space(ctx, "schedule resume", f"schedule #{s.number}")
    return Reply(
        Message(f"Schedule #{s.number} is running again. Next: {_times(s, tz, ctx.now, 1)}.")
    )


async def remove(ctx: Ctx) -> Reply:
    s = await _find(ctx)
    await _stop(ctx.uow, s, "removed", f"removed by {ctx.actor.name}")
    await record_space(ctx, "schedule remove", f"schedule #{s.number}")
    return Reply(Message(f"Schedule #{s.number} is removed."))


async def run_now(ctx: Ctx) -> Reply:
    s = await _find(ctx)
    what = await run(ctx.uow, s, ctx.now, ctx.settings, ctx.summarizer)
    await record_space(ctx, "schedule run-now", f"schedule #{s.number}: {what}")
    return Reply(
        Message(f"Schedule #{s.number} ran now: {what}. Its next regular run is unchanged.")
    )


async def run(
    uow: UnitOfWork, s: Schedule, now: datetime, settings: Settings, summarizer: Summarizer
) -> str:
    """One run of a schedule: a debate, a prompt, or (an empty queue) an invitation. What it did."""
    if s.source == "prompt":
        await _post(uow, s, Message(s.text, title="Discussion prompt", kind="announcement"), now)
        return "the prompt is posted"
    if s.format not in settings.formats:
        await _stop(uow, s, "paused", f"its format {s.format!r} is no longer configured")
        await tell_paused(uow, s, now, f"Once the format {s.format!r} is configured again, resume it",
                          "another format")
        return f"paused: {s.note}"
    active = [
        d
        for d in await uow.debates(s.space_id, (State.PRE_VOTE, State.ROUND, State.POST_VOTE))
        if d.channel_id == s.channel_id
    ]
    if len(active) >= settings.bot.max_active_debates_per_channel:
        await _post(
            uow,
            s,
            Message(
                "A scheduled debate was due, but this channel has as many debates running as "
                "it may; it is skipped this time.",
                kind="announcement",
            ),
            now,
        )
        return "skipped (the channel is full)"
    motion = s.text if s.source == "motion" else await _take_top(uow, s, now)
    if motion is None:
        await _post(
            uow,
            s,
            Message(
                "A debate was scheduled now, but the motion queue is empty. Propose a motion "
                'with /motion propose text:"..." and upvote the ones you want debated.',
                title="Propose the next motion",
                kind="announcement",
            ),
            now,
        )
        return "the queue is empty, so an invitation to propose motions is posted"
    creator = Actor(s.created_by, s.created_by_name, True)
    sides = rules.parse_sides(None, settings.limits.max_sides)
    debate = await launch(
        uow,
        rules.new_debate(
            s.space_id, motion, sides, settings.format(s.format), s.channel_id, creator, now
        ),
        now,
        summarizer,
    )
    return f"debate #{debate.number} started"


async def _take_top(uow: UnitOfWork, s: Schedule, now: datetime) -> str | None:
    for m in await uow.open_motions(s.space_id):
        if await uow.close_motion(s.space_id, m.id, "used", now, reason=f"schedule #{s.number}"):
            return m.text
    return None


async def _post(uow: UnitOfWork, s: Schedule, message: Message, now: datetime) -> None:
    await uow.enqueue(s.space_id, Outgoing(message, s.channel_id), now)


@job_kind(SCHEDULED)
async def fire(ctx: JobCtx) -> bool:
    """A schedule's run. A run of a schedule since paused, removed or moved on is stale: nothing happens."""
    s = await ctx.uow.schedule_of(ctx.job.space_id, schedule_id=ctx.job.payload.get("schedule"))
    run_at = ctx.job.due_at
    if s is None or s.state != "active" or s.next_run_at != run_at:
        return False
    fired = not scheduling.missed(run_at, ctx.now, ctx.settings.schedule.grace)
    if fired:
        await run(ctx.uow, s, ctx.now, ctx.settings, ctx.summarizer)
    else:
        log.warning(
            "schedule #%s of space %s: the run due %s was missed by %s (more than the grace window); "
            "skipped",
            s.number,
            s.space_id,
            run_at.isoformat(),
            ctx.now - run_at,
        )
    if s.state == "active":  # a run may pause it (its format is gone)
        s.next_run_at = scheduling.next_run(s.cron, scheduling.zone(s.zone), max(run_at, ctx.now))
        await ctx.uow.save_schedule(s)
        await ctx.uow.schedule(run_job(s))
    return fired


async def refused(uow: UnitOfWork, item: OutboxItem, error: str, now: datetime) -> None:
    """The platform refused a message for good (channel gone, permission lost): the schedules posting
    there are paused, not retried forever, with the reason their creator sees in /schedule list."""
    for s in await uow.schedules(item.space.id, ("active",)):
        if s.channel_id == item.out.channel_id:
            s = await uow.schedule_of(s.space_id, schedule_id=s.id)  # held: another refusal waits here
            if s is None or s.state != "active":  # ...and finds it paused already: said once
                continue
            await _stop(uow, s, "paused", f"I could not post in #{s.channel_id} ({error[:120]})")
            log.warning("schedule #%s of space %s paused: %s", s.number, s.space_id, s.note)
            await tell_paused(uow, s, now, f"Once the bot can post in #{s.channel_id} again (the channel "
                              "exists and the bot may send messages there), resume it", "another channel")


async def tell_paused(uow: UnitOfWork, s: Schedule, now: datetime, fix: str, other: str) -> None:
    """The moderator who made a schedule the bot paused hears it directly, once (at the pause: a paused
    schedule posts nothing more, so nothing more is refused), with why and how to resume."""
    text = (f"I paused your schedule #{s.number} ({scheduling.describe(s.cron)}, {s.zone}, "
            f"in #{s.channel_id}): {s.note}. Nothing runs until it is resumed. "
            f"{fix} with /schedule resume schedule:{s.number}; "
            f"or remove it with /schedule remove schedule:{s.number} and add it again with {other}.")
    message = Message(text, title=f"Schedule #{s.number} is paused", kind="announcement")
    await uow.enqueue(s.space_id, Outgoing(message, s.channel_id, direct_to=s.created_by), now)
