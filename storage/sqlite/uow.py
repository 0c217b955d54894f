"""One SQLite transaction, in the core's terms. Every query is bound with parameters."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import aiosqlite

from bot.domain import Argument, Debate, Endorsement, ModAction, Position, Space, SpaceRef, State
from bot.messages import Outgoing
from storage import codec
from storage.codec import stream_of, ts
from storage import rows


class SqliteUnitOfWork:
    def __init__(self, db: aiosqlite.Connection):
        self.db = db
        self.committed = False

    async def commit(self) -> None:
        await self.db.execute("COMMIT")
        self.committed = True

    async def _one(self, sql: str, args: Sequence[Any]) -> aiosqlite.Row | None:
        async with self.db.execute(sql, args) as cur:
            return await cur.fetchone()

    async def _all(self, sql: str, args: Sequence[Any]) -> list[aiosqlite.Row]:
        async with self.db.execute(sql, args) as cur:
            return list(await cur.fetchall())

    # ---- idempotency ----------------------------------------------------------------------------------

    async def claim_event(self, space_id: int, key: str) -> dict[str, Any] | None:
        """Record `key` as handled; None if it is new, else the result stored the first time."""
        async with self.db.execute(
            "INSERT INTO events (space_id, key, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (space_id, key, ts(datetime.now(UTC))),
        ) as cur:
            if cur.rowcount == 1:
                return None
        row = await self._one("SELECT result FROM events WHERE space_id = ? AND key = ?", (space_id, key))
        return json.loads(row["result"]) if row and row["result"] else {}

    async def set_event_result(self, space_id: int, key: str, result: dict[str, Any]) -> None:
        await self.db.execute(
            "UPDATE events SET result = ? WHERE space_id = ? AND key = ?", (json.dumps(result), space_id, key)
        )

    # ---- spaces and debates ----------------------------------------------------------------------------

    async def space(self, ref: SpaceRef) -> Space:
        await self.db.execute(
            "INSERT INTO spaces (platform, external_id, name, created_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (platform, external_id) DO NOTHING",
            (ref.platform, ref.external_id, ref.name, ts(datetime.now(UTC))),
        )
        row = await self._one(
            "SELECT * FROM spaces WHERE platform = ? AND external_id = ?", (ref.platform, ref.external_id)
        )
        return rows.space(row)

    async def add_debate(self, d: Debate) -> Debate:
        row = await self._one(
            "UPDATE spaces SET next_debate = next_debate + 1 WHERE id = ? RETURNING next_debate - 1", (d.space_id,)
        )
        number = row[0]
        async with self.db.execute(
            "INSERT INTO debates (space_id, number, motion, sides, format, state, phase, phase_ends_at, "
            "channel_id, thread_id, started_by, started_by_name, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                d.space_id, number, d.motion, codec.sides_json(d.sides), codec.format_json(d.format),
                d.state.value, d.phase, ts(d.phase_ends_at), d.channel_id, d.thread_id, d.started_by,
                d.started_by_name, ts(d.created_at),
            ),
        ) as cur:
            d.id, d.number = cur.lastrowid, number
        return d

    async def debate(self, space_id: int, number: int) -> Debate | None:
        row = await self._one("SELECT * FROM debates WHERE space_id = ? AND number = ?", (space_id, number))
        return rows.debate(row) if row else None

    async def debate_by_id(self, debate_id: int) -> Debate | None:
        row = await self._one("SELECT * FROM debates WHERE id = ?", (debate_id,))
        return rows.debate(row) if row else None

    async def debate_in_thread(self, space_id: int, thread_id: str) -> Debate | None:
        row = await self._one(
            "SELECT * FROM debates WHERE space_id = ? AND thread_id = ? ORDER BY id DESC LIMIT 1",
            (space_id, thread_id),
        )
        return rows.debate(row) if row else None

    async def debates(self, space_id: int, states: Sequence[State] | None = None) -> list[Debate]:
        found = await self._all("SELECT * FROM debates WHERE space_id = ? ORDER BY number", (space_id,))
        wanted = {s.value for s in states} if states else None
        return [rows.debate(r) for r in found if wanted is None or r["state"] in wanted]

    async def save_debate(self, d: Debate) -> None:
        await self.db.execute(
            "UPDATE debates SET state = ?, phase = ?, phase_ends_at = ?, thread_id = COALESCE(?, thread_id), "
            "pre_vote_closed_at = ?, post_vote_closed_at = ?, closed_at = ? WHERE id = ? AND space_id = ?",
            (
                d.state.value, d.phase, ts(d.phase_ends_at), d.thread_id, ts(d.pre_vote_closed_at),
                ts(d.post_vote_closed_at), ts(d.closed_at), d.id, d.space_id,
            ),
        )

    # ---- arguments, endorsements, positions -----------------------------------------------------------

    async def add_argument(self, a: Argument) -> Argument:
        row = await self._one(
            "UPDATE debates SET next_argument = next_argument + 1 WHERE id = ? RETURNING next_argument - 1, space_id",
            (a.debate_id,),
        )
        number, space_id = row[0], row[1]
        await self.db.execute(
            "INSERT INTO arguments (space_id, debate_id, number, author_id, author_name, side, phase, text, "
            "rebuts, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (space_id, a.debate_id, number, a.author_id, a.author_name, a.side, a.phase, a.text, a.rebuts,
             ts(a.created_at)),
        )
        return Argument(**{**a.__dict__, "number": number})

    async def argument(self, debate_id: int, number: int) -> Argument | None:
        row = await self._one("SELECT * FROM arguments WHERE debate_id = ? AND number = ?", (debate_id, number))
        return rows.argument(row) if row else None

    async def arguments(self, debate_id: int) -> list[Argument]:
        found = await self._all("SELECT * FROM arguments WHERE debate_id = ? ORDER BY number", (debate_id,))
        return [rows.argument(r) for r in found]

    async def count_arguments(self, debate_id: int, author_id: str, phase: int) -> int:
        row = await self._one(
            "SELECT COUNT(*) FROM arguments WHERE debate_id = ? AND author_id = ? AND phase = ?",
            (debate_id, author_id, phase),
        )
        return int(row[0])

    async def tally(self, debate_id: int) -> tuple[dict[str, int], int]:
        """Members per side (each by their latest position) and the number of arguments, in one query."""
        found = await self._all(
            "SELECT side, COUNT(*) AS n FROM positions p WHERE p.debate_id = ? AND p.id = (SELECT MAX(q.id) FROM positions q WHERE q.debate_id = p.debate_id AND q.member_id = p.member_id) GROUP BY side "
            "UNION ALL SELECT '#arguments', COUNT(*) FROM arguments WHERE debate_id = ?",
            (debate_id, debate_id),
        )
        counts = {r[0]: int(r[1]) for r in found}
        return counts, counts.pop("#arguments", 0)

    async def endorse(self, e: Endorsement) -> bool:
        async with self.db.execute(
            "INSERT INTO endorsements (space_id, debate_id, argument, member_id, member_name, created_at) "
            "SELECT space_id, ?, ?, ?, ?, ? FROM debates WHERE id = ? ON CONFLICT DO NOTHING",
            (e.debate_id, e.argument, e.member_id, e.member_name, ts(e.created_at), e.debate_id),
        ) as cur:
            return cur.rowcount == 1

    async def withdraw(self, debate_id: int, argument: int, member_id: str) -> bool:
        async with self.db.execute(
            "DELETE FROM endorsements WHERE debate_id = ? AND argument = ? AND member_id = ?",
            (debate_id, argument, member_id),
        ) as cur:
            return cur.rowcount == 1

    async def endorsements(self, debate_id: int) -> list[Endorsement]:
        found = await self._all(
            "SELECT * FROM endorsements WHERE debate_id = ? ORDER BY argument, created_at, member_id", (debate_id,)
        )
        return [rows.endorsement(r) for r in found]

    async def append_position(self, p: Position) -> Position:
        async with self.db.execute(
            "INSERT INTO positions (space_id, debate_id, member_id, member_name, side, confidence, reason, "
            "credited, phase, recorded_at) SELECT space_id, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM debates WHERE id = ?",
            (p.debate_id, p.member_id, p.member_name, p.side, p.confidence, p.reason, p.credited, p.phase,
             ts(p.recorded_at), p.debate_id),
        ) as cur:
            return Position(**{**p.__dict__, "seq": cur.lastrowid})

    async def positions(self, debate_id: int, member_id: str | None = None) -> list[Position]:
        if member_id is None:
            found = await self._all("SELECT * FROM positions WHERE debate_id = ? ORDER BY id", (debate_id,))
        else:
            found = await self._all(
                "SELECT * FROM positions WHERE debate_id = ? AND member_id = ? ORDER BY id", (debate_id, member_id)
            )
        return [rows.position(r) for r in found]

    async def record_action(self, a: ModAction) -> None:
        await self.db.execute(
            "INSERT INTO mod_actions (space_id, debate_id, actor_id, actor_name, action, detail, at) "
            "SELECT space_id, ?, ?, ?, ?, ?, ? FROM debates WHERE id = ?",
            (a.debate_id, a.actor_id, a.actor_name, a.action, a.detail, ts(a.at), a.debate_id),
        )

    async def actions(self, debate_id: int) -> list[ModAction]:
        found = await self._all("SELECT * FROM mod_actions WHERE debate_id = ? ORDER BY id", (debate_id,))
        return [
            ModAction(r["debate_id"], r["actor_id"], r["actor_name"], r["action"], r["detail"], codec.from_ts(r["at"]))
            for r in found
        ]

    # ---- agenda and outbox ------------------------------------------------------------------------------

    async def schedule(self, space_id: int, debate_id: int, kind: str, phase: int, due_at: datetime) -> None:
        await self.db.execute(
            "INSERT INTO agenda (space_id, debate_id, kind, phase, due_at) VALUES (?, ?, ?, ?, ?)",
            (space_id, debate_id, kind, phase, ts(due_at)),
        )

    async def unschedule(self, debate_id: int) -> None:
        await self.db.execute("DELETE FROM agenda WHERE debate_id = ? AND done_at IS NULL", (debate_id,))

    async def finish_due(self, item_id: int) -> bool:
        async with self.db.execute(
            "UPDATE agenda SET done_at = ? WHERE id = ? AND done_at IS NULL", (ts(datetime.now(UTC)), item_id)
        ) as cur:
            return cur.rowcount == 1

    async def enqueue(self, space_id: int, out: Outgoing, now: datetime) -> int:
        body = codec.message_json(out.message)
        if out.coalesce_key:
            row = await self._one(
                "UPDATE outbox SET body = ? WHERE space_id = ? AND coalesce_key = ? AND delivered_at IS NULL "
                "AND failed_at IS NULL AND claimed_by IS NULL RETURNING id",
                (body, space_id, out.coalesce_key),
            )
            if row:
                return int(row[0])
        subject_kind, subject_id = out.subject or (None, None)
        async with self.db.execute(
            "INSERT INTO outbox (space_id, stream, debate_id, channel_id, in_thread, open_thread, edit_of, "
            "subject_kind, subject_id, coalesce_key, body, created_at, available_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (space_id, stream_of(space_id, out), out.debate_id, out.channel_id, int(out.in_thread),
             out.open_thread, out.edit_of, subject_kind, subject_id, out.coalesce_key, body, ts(now), ts(now)),
        ) as cur:
            return int(cur.lastrowid)

    async def outbox_id_of(self, space_id: int, subject: tuple[str, int]) -> int | None:
        row = await self._one(
            "SELECT id FROM outbox WHERE space_id = ? AND subject_kind = ? AND subject_id = ? AND edit_of IS NULL "
            "ORDER BY id LIMIT 1",
            (space_id, subject[0], subject[1]),
        )
        return int(row[0]) if row else None

    async def subject_of(self, space_id: int, message_id: str) -> tuple[str, int, int] | None:
        """Which (kind, id, debate_id) a delivered message shows, e.g. ("argument", 4, 12)."""
        row = await self._one(
            "SELECT subject_kind, subject_id, debate_id FROM outbox WHERE space_id = ? AND message_id = ? "
            "AND subject_kind IS NOT NULL LIMIT 1",
            (space_id, message_id),
        )
        return (row[0], int(row[1]), int(row[2])) if row else None
