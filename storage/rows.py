"""Rows to the core's values, shared by every store (column names are the same in each).

SQLite hands times back as text and PostgreSQL as datetimes; `from_ts` takes either.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from bot.domain import (Argument, AuditEntry, Debate, Endorsement, Job, Motion, Position, Schedule, Space,
                        State)
from bot.messages import OutboxItem, Outgoing
from storage.codec import closes_thread, direct_of, format_from, from_ts, message_from, render_of, sides_from

Row = Mapping[str, Any]


def space(r: Row) -> Space:
    return Space(r["id"], r["platform"], r["external_id"], r["name"])


def debate(r: Row) -> Debate:
    return Debate(
        id=r["id"],
        space_id=r["space_id"],
        number=r["number"],
        motion=r["motion"],
        sides=sides_from(r["sides"]),
        format=format_from(r["format"]),
        state=State(r["state"]),
        phase=r["phase"],
        phase_ends_at=from_ts(r["phase_ends_at"]),
        channel_id=r["channel_id"],
        thread_id=r["thread_id"],
        started_by=r["started_by"],
        started_by_name=r["started_by_name"],
        created_at=from_ts(r["created_at"]),
        pre_vote_closed_at=from_ts(r["pre_vote_closed_at"]),
        post_vote_closed_at=from_ts(r["post_vote_closed_at"]),
        closed_at=from_ts(r["closed_at"]),
        phase_started_at=from_ts(r["phase_started_at"]),
    )


def argument(r: Row) -> Argument:
    return Argument(
        r["debate_id"], r["number"], r["author_id"], r["author_name"], r["side"], r["phase"], r["text"],
        from_ts(r["created_at"]), r["rebuts"],
    )


def endorsement(r: Row) -> Endorsement:
    return Endorsement(r["debate_id"], r["argument"], r["member_id"], r["member_name"], from_ts(r["created_at"]))


def position(r: Row) -> Position:
    return Position(
        r["debate_id"], r["member_id"], r["member_name"], r["side"], r["confidence"], r["reason"],
        r["credited"], r["phase"], from_ts(r["recorded_at"]), r["id"],
    )


def latest_position(r: Row, debate_id: int, member_id: str) -> Position | None:
    """The `p_`-prefixed columns a debate read brings along, or None when the member has no position."""
    if r["p_id"] is None:
        return None
    return Position(debate_id, member_id, r["p_member_name"], r["p_side"], r["p_confidence"], r["p_reason"],
                    r["p_credited"], r["p_phase"], from_ts(r["p_recorded_at"]), r["p_id"])


def job(r: Row) -> Job:
    return Job(r["kind"], from_ts(r["due_at"]), r["space_id"], r["key"], r["debate_id"], r["phase"],
               json.loads(r["payload"] or "{}"), r["id"])


def audit_entry(r: Row) -> AuditEntry:
    return AuditEntry(r["debate_id"], r["actor_id"], r["actor_name"], r["action"], r["detail"], from_ts(r["at"]),
                      r["space_id"])


def outbox_item(r: Row) -> OutboxItem:
    subject = (r["subject_kind"], r["subject_id"]) if r["subject_kind"] else None
    out = Outgoing(
        message=message_from(r["body"]),
        channel_id=r["channel_id"],
        debate_id=r["debate_id"],
        in_thread=bool(r["in_thread"]),
        open_thread=r["open_thread"],
        edit_of=r["edit_of"],
        subject=subject,
        coalesce_key=r["coalesce_key"],
        render=render_of(r["body"]),
        close_thread=closes_thread(r["body"]),
        direct_to=direct_of(r["body"]),
    )
    owner = Space(r["space_id"], r["platform"], r["external_id"], r["space_name"])
    return OutboxItem(r["id"], owner, r["stream"], out, r["debate_thread"], r["edit_message_id"], r["attempts"],
                      r["tries"], from_ts(r["created_at"]))


def schedule(r: Row) -> Schedule:
    return Schedule(
        r["id"], r["space_id"], r["number"], r["cron"], r["zone"], r["channel_id"], r["format"], r["source"],
        r["text"], r["state"], from_ts(r["next_run_at"]), r["note"], r["created_by"], r["created_by_name"],
        from_ts(r["created_at"]),
    )


def motion(r: Row) -> Motion:
    return Motion(
        r["id"], r["space_id"], r["number"], r["text"], r["proposer_id"], r["proposer_name"], r["state"],
        from_ts(r["created_at"]), int(r["upvotes"]), r["reason"], r["closed_by_name"], r["debate_id"],
    )
