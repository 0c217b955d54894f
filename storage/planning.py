"""The statements of schedules, the motion queue and reminder requests, written once for every engine.

A part of `storage.uow.UnitOfWork` (it inherits these), kept in its own module so each stays small. Every
statement is bound to the space: one community never reads or changes another's schedules or motions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.domain import Motion, Schedule
from storage import rows

_MOTION = (
    "SELECT m.*, (SELECT COUNT(*) FROM motion_votes v WHERE v.motion_id = m.id) AS upvotes "
    "FROM motions m WHERE m.space_id = $1"
)


class PlanningStatements:
    db: Any

    # ---- schedules ------------------------------------------------------------------------------------

    async def add_schedule(self, s: Schedule) -> Schedule:
        """Assigns the id and the space's next schedule number."""
        s.number = await self.db.value(
            "UPDATE spaces SET next_schedule = next_schedule + 1 WHERE id = $1 RETURNING next_schedule - 1",
            s.space_id,
        )
        s.id = await self.db.value(
            "INSERT INTO schedules (space_id, number, cron, zone, channel_id, format, source, text, state, "
            "next_run_at, note, created_by, created_by_name, created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
            s.space_id,
            s.number,
            s.cron,
            s.zone,
            s.channel_id,
            s.format,
            s.source,
            s.text,
            s.state,
            s.next_run_at,
            s.note,
            s.created_by,
            s.created_by_name,
            s.created_at,
        )
        return s

    async def schedule_of(
        self, space_id: int, number: int | None = None, schedule_id: int | None = None
    ) -> Schedule | None:
        """By number (what members type) or id (what a job carries); held until commit."""
        column, value = ("number", number) if schedule_id is None else ("id", schedule_id)
        row = await self.db.one(
            f"SELECT * FROM schedules s WHERE s.space_id = $1 AND s.{column} = $2{self.db.locking('s')}",
            space_id,
            value,
        )
        return rows.schedule(row) if row else None

    async def schedules(
        self, space_id: int, states: Sequence[str] = ("active", "paused")
    ) -> list[Schedule]:
        found = await self.db.all(
            "SELECT * FROM schedules WHERE space_id = $1 ORDER BY number", space_id
        )
        return [rows.schedule(r) for r in found if r["state"] in states]

    async def save_schedule(self, s: Schedule) -> None:
        """State, next run time and note."""
        await self.db.run(
            "UPDATE schedules SET state = $1, next_run_at = $2, note = $3 WHERE id = $4 AND space_id = $5",
            s.state,
            s.next_run_at,
            s.note,
            s.id,
            s.space_id,
        )

    async def cancel_job(self, space_id: int, kind: str, key: str) -> bool:
        """Drop a pending job by its kind and key (the run of a schedule paused or removed)."""
        return (
            await self.db.run(
                "DELETE FROM agenda WHERE space_id = $1 AND kind = $2 AND key = $3 AND done_at IS NULL",
                space_id,
                kind,
                key,
            )
            == 1
        )

    # ---- the motion queue ------------------------------------------------------------------------------

    async def add_motion(self, m: Motion) -> Motion:
        """Assigns the id and the space's next motion number."""
        number = await self.db.value(
            "UPDATE spaces SET next_motion = next_motion + 1 WHERE id = $1 RETURNING next_motion - 1",
            m.space_id,
        )
        motion_id = await self.db.value(
            "INSERT INTO motions (space_id, number, text, proposer_id, proposer_name, state, created_at) "
            "VALUES ($1, $2, $3, $4, $5, 'open', $6) RETURNING id",
            m.space_id,
            number,
            m.text,
            m.proposer_id,
            m.proposer_name,
            m.created_at,
        )
        return Motion(
            motion_id,
            m.space_id,
            number,
            m.text,
            m.proposer_id,
            m.proposer_name,
            "open",
            m.created_at,
        )

    async def motion(self, space_id: int, number: int) -> Motion | None:
        row = await self.db.one(f"{_MOTION} AND m.number = $2", space_id, number)
        return rows.motion(row) if row else None

    async def open_motions(self, space_id: int) -> list[Motion]:
        """The queue in rank order: most upvotes, then oldest."""
        found = await self.db.all(f"{_MOTION} AND m.state = 'open'", space_id)
        return sorted(
            (rows.motion(r) for r in found), key=lambda m: (-m.upvotes, m.created_at, m.number)
        )

    async def upvote(self, space_id: int, motion_id: int, member_id: str, now: datetime) -> bool:
        """False if this member already upvoted it."""
        return (
            await self.db.run(
                "INSERT INTO motion_votes (space_id, motion_id, member_id, created_at) "
                "SELECT space_id, id, $3, $4 FROM motions WHERE id = $2 AND space_id = $1 ON CONFLICT DO NOTHING",
                space_id,
                motion_id,
                member_id,
                now,
            )
            == 1
        )

    async def withdraw_upvote(self, space_id: int, motion_id: int, member_id: str) -> bool:
        return (
            await self.db.run(
                "DELETE FROM motion_votes WHERE space_id = $1 AND motion_id = $2 AND member_id = $3",
                space_id,
                motion_id,
                member_id,
            )
            == 1
        )

    async def close_motion(
        self,
        space_id: int,
        motion_id: int,
        state: str,
        now: datetime,
        by: tuple[str, str] | None = None,
        reason: str | None = None,
        debate_id: int | None = None,
    ) -> bool:
        """Used, withdrawn or rejected (with who and why). False if it was no longer open, so two runs
        racing for the top of the queue never take the same motion."""
        by_id, by_name = by or (None, None)
        return (
            await self.db.run(
                "UPDATE motions SET state = $1, closed_at = $2, closed_by = $3, closed_by_name = $4, reason = $5, "
                "debate_id = $6 WHERE id = $7 AND space_id = $8 AND state = 'open'",
                state,
                now,
                by_id,
                by_name,
                reason,
                debate_id,
                motion_id,
                space_id,
            )
            == 1
        )

    # ---- reminder requests -----------------------------------------------------------------------------

    async def request_reminder(
        self, space_id: int, debate_id: int, member_id: str, now: datetime
    ) -> bool:
        """False if this member already asked."""
        return (
            await self.db.run(
                "INSERT INTO reminder_requests (space_id, debate_id, member_id, created_at) "
                "SELECT space_id, id, $3, $4 FROM debates WHERE id = $2 AND space_id = $1 ON CONFLICT DO NOTHING",
                space_id,
                debate_id,
                member_id,
                now,
            )
            == 1
        )

    async def cancel_reminder(self, space_id: int, debate_id: int, member_id: str) -> bool:
        """False if this member had not asked."""
        return await self.db.run(
            "DELETE FROM reminder_requests WHERE space_id = $1 AND debate_id = $2 AND member_id = $3",
            space_id, debate_id, member_id,
        ) == 1

    async def reminder_requests(self, space_id: int, debate_id: int) -> list[str]:
        found = await self.db.all(
            "SELECT member_id FROM reminder_requests WHERE space_id = $1 AND debate_id = $2",
            space_id,
            debate_id,
        )
        return sorted(r["member_id"] for r in found)
