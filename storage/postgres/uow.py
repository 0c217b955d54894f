"""One PostgreSQL transaction, in the core's terms. Every query is bound with parameters.

Commands run concurrently in several processes, so a command that reads a debate locks its row (FOR NO KEY
UPDATE): everything that touches one debate queues on that row, in the same order everywhere (debate
first, then its deadlines and messages), which is what SQLite's single writer gave for free. Plain reads
of other rows take no locks.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from bot.domain import Argument, Debate, Endorsement, ModAction, Position, Space, SpaceRef, State
from bot.messages import Outgoing
from storage import codec, rows
from storage.codec import stream_of
from storage.postgres.errors import discard

_LOCK = " FOR NO KEY UPDATE"


def _count(status: str) -> int:
    """Rows an INSERT/UPDATE/DELETE touched, from its command tag ("INSERT 0 1", "UPDATE 3")."""
    return int(status.rsplit(" ", 1)[-1])


class PostgresUnitOfWork:
    def __init__(self, conn: asyncpg.Connection, commit_check: Any, spaces: dict[tuple[str, str], Space]):
        self.conn = conn
        self.committed = False
        self._commit_check = commit_check  # async (xid) -> bool: did a commit we lost the answer to land?
        self._spaces = spaces  # the store's cache of committed spaces (a space row never changes)
        self._created: set[tuple[str, str]] = set()  # spaces this transaction made: not committed yet
        self._xid: int | None = None
        self._wrote = False

    async def commit(self) -> None:
        # A connection can drop after the server committed but before we hear so. The transaction id lets
        # us ask afterwards, so a saved change is never reported as lost (nor a lost one as saved). Writes
        # with a RETURNING clause bring the id along; only otherwise is it asked for here.
        xid = self._xid
        if xid is None and self._wrote:
            xid = await self.conn.fetchval("SELECT txid_current_if_assigned()")
        try:
            await self.conn.execute("COMMIT")
        except Exception:
            discard(self.conn)  # in an unknown state: the pool replaces it
            if xid is None or not await self._commit_check(xid):
                raise
        self.committed = True

    async def _write(self, sql: str, *args: Any) -> int:
        """A write without a result: how many rows it touched."""
        self._wrote = True
        return _count(await self.conn.execute(sql, *args))

    async def _returning(self, sql: str, *args: Any) -> asyncpg.Record | None:
        """A write ending in RETURNING: its row, with the transaction's id noted on the way."""
        row = await self.conn.fetchrow(sql + ", txid_current() AS txid_", *args)
        if row is None:
            self._wrote = True
        else:
            self._xid = row["txid_"]
        return row

    # ---- idempotency ----------------------------------------------------------------------------------

    async def claim_event(self, space_id: int, key: str) -> dict[str, Any] | None:
        """Record `key` as handled; None if it is new, else the result stored the first time.

        A second worker handling the same key waits here until the first commits (or rolls back)."""
        new = await self._returning(
            "INSERT INTO events (space_id, key, created_at) VALUES ($1, $2, now()) "
            "ON CONFLICT DO NOTHING RETURNING 1",
            space_id, key,
        )
        if new is not None:
            return None
        result = await self.conn.fetchval("SELECT result FROM events WHERE space_id = $1 AND key = $2", space_id, key)
        return json.loads(result) if result else {}

    async def set_event_result(self, space_id: int, key: str, result: dict[str, Any]) -> None:
        await self._write(
            "UPDATE events SET result = $1 WHERE space_id = $2 AND key = $3", json.dumps(result), space_id, key
        )

    # ---- spaces and debates ----------------------------------------------------------------------------

    async def space(self, ref: SpaceRef) -> Space:
        # Every command starts here, so a space seen once is not asked for again (a round trip per command).
        # Only a row this transaction did not create is cached: that one is surely committed.
        key = (ref.platform, ref.external_id)
        if key in self._spaces:
            return self._spaces[key]
        # Read first: the space nearly always exists, and an upsert would write (and lock) its row each time.
        query = "SELECT * FROM spaces WHERE platform = $1 AND external_id = $2"
        row = await self.conn.fetchrow(query, ref.platform, ref.external_id)
        if row is not None and key not in self._created:
            self._spaces[key] = rows.space(row)
        elif row is None:
            self._created.add(key)
            await self._write(
                "INSERT INTO spaces (platform, external_id, name, created_at) VALUES ($1, $2, $3, now()) "
                "ON CONFLICT (platform, external_id) DO NOTHING",
                ref.platform, ref.external_id, ref.name,
            )
            row = await self.conn.fetchrow(query, ref.platform, ref.external_id)
        return rows.space(row)

    async def add_debate(self, d: Debate) -> Debate:
        number = (await self._returning(
            "UPDATE spaces SET next_debate = next_debate + 1 WHERE id = $1 RETURNING next_debate - 1", d.space_id
        ))[0]
        d.id = await self.conn.fetchval(  # the transaction's id is known since the UPDATE above
            "INSERT INTO debates (space_id, number, motion, sides, format, state, phase, phase_ends_at, "
            "channel_id, thread_id, started_by, started_by_name, created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
            d.space_id, number, d.motion, codec.sides_json(d.sides), codec.format_json(d.format), d.state.value,
            d.phase, d.phase_ends_at, d.channel_id, d.thread_id, d.started_by, d.started_by_name, d.created_at,
        )
        d.number = number
        return d

    async def debate(self, space_id: int, number: int) -> Debate | None:
        row = await self.conn.fetchrow(
            "SELECT * FROM debates WHERE space_id = $1 AND number = $2" + _LOCK, space_id, number
        )
        return rows.debate(row) if row else None

    async def debate_by_id(self, debate_id: int) -> Debate | None:
        row = await self.conn.fetchrow("SELECT * FROM debates WHERE id = $1" + _LOCK, debate_id)
        return rows.debate(row) if row else None

    async def debate_in_thread(self, space_id: int, thread_id: str) -> Debate | None:
        row = await self.conn.fetchrow(
            "SELECT * FROM debates WHERE space_id = $1 AND thread_id = $2 ORDER BY id DESC LIMIT 1" + _LOCK,
            space_id, thread_id,
        )
        return rows.debate(row) if row else None

    async def debates(self, space_id: int, states: Sequence[State] | None = None) -> list[Debate]:
        found = await self.conn.fetch("SELECT * FROM debates WHERE space_id = $1 ORDER BY number", space_id)
        wanted = {s.value for s in states} if states else None
        return [rows.debate(r) for r in found if wanted is None or r["state"] in wanted]

    async def save_debate(self, d: Debate) -> None:
        await self._write(
            "UPDATE debates SET state = $1, phase = $2, phase_ends_at = $3, thread_id = COALESCE($4, thread_id), "
            "pre_vote_closed_at = $5, post_vote_closed_at = $6, closed_at = $7 WHERE id = $8 AND space_id = $9",
            d.state.value, d.phase, d.phase_ends_at, d.thread_id, d.pre_vote_closed_at, d.post_vote_closed_at,
            d.closed_at, d.id, d.space_id,
        )

    # ---- arguments, endorsements, positions -----------------------------------------------------------

    async def add_argument(self, a: Argument) -> Argument:
        row = await self._returning(
            "UPDATE debates SET next_argument = next_argument + 1 WHERE id = $1 "
            "RETURNING next_argument - 1 AS number, space_id",
            a.debate_id,
        )
        await self._write(
            "INSERT INTO arguments (space_id, debate_id, number, author_id, author_name, side, phase, text, "
            "rebuts, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            row["space_id"], a.debate_id, row["number"], a.author_id, a.author_name, a.side, a.phase, a.text,
            a.rebuts, a.created_at,
        )
        return Argument(**{**a.__dict__, "number": row["number"]})

    async def argument(self, debate_id: int, number: int) -> Argument | None:
        row = await self.conn.fetchrow("SELECT * FROM arguments WHERE debate_id = $1 AND number = $2", debate_id, number)
        return rows.argument(row) if row else None

    async def arguments(self, debate_id: int) -> list[Argument]:
        found = await self.conn.fetch("SELECT * FROM arguments WHERE debate_id = $1 ORDER BY number", debate_id)
        return [rows.argument(r) for r in found]

    async def count_arguments(self, debate_id: int, author_id: str, phase: int) -> int:
        return int(await self.conn.fetchval(
            "SELECT COUNT(*) FROM arguments WHERE debate_id = $1 AND author_id = $2 AND phase = $3",
            debate_id, author_id, phase,
        ))

    async def tally(self, debate_id: int) -> tuple[dict[str, int], int]:
        """Members per side (each by their latest position) and the number of arguments, in one query."""
        found = await self.conn.fetch(
            "SELECT side, COUNT(*) AS n FROM positions p WHERE p.debate_id = $1 AND p.id = (SELECT MAX(q.id) FROM positions q WHERE q.debate_id = p.debate_id AND q.member_id = p.member_id) GROUP BY side "
            "UNION ALL SELECT '#arguments', COUNT(*) FROM arguments WHERE debate_id = $1",
            debate_id,
        )
        counts = {r[0]: int(r[1]) for r in found}
        return counts, counts.pop("#arguments", 0)

    async def endorse(self, e: Endorsement) -> bool:
        return await self._write(
            "INSERT INTO endorsements (space_id, debate_id, argument, member_id, member_name, created_at) "
            "SELECT space_id, $1, $2, $3, $4, $5 FROM debates WHERE id = $1 ON CONFLICT DO NOTHING",
            e.debate_id, e.argument, e.member_id, e.member_name, e.created_at,
        ) == 1

    async def withdraw(self, debate_id: int, argument: int, member_id: str) -> bool:
        return await self._write(
            "DELETE FROM endorsements WHERE debate_id = $1 AND argument = $2 AND member_id = $3",
            debate_id, argument, member_id,
        ) == 1

    async def endorsements(self, debate_id: int) -> list[Endorsement]:
        # COLLATE "C": the same order as SQLite's byte-wise text comparison, whatever the database's locale.
        found = await self.conn.fetch(
            'SELECT * FROM endorsements WHERE debate_id = $1 ORDER BY argument, created_at, member_id COLLATE "C"',
            debate_id,
        )
        return [rows.endorsement(r) for r in found]

    async def append_position(self, p: Position) -> Position:
        row = await self._returning(
            "INSERT INTO positions (space_id, debate_id, member_id, member_name, side, confidence, reason, "
            "credited, phase, recorded_at) SELECT space_id, $1, $2, $3, $4, $5, $6, $7, $8, $9 FROM debates "
            "WHERE id = $1 RETURNING id",
            p.debate_id, p.member_id, p.member_name, p.side, p.confidence, p.reason, p.credited, p.phase,
            p.recorded_at,
        )
        return Position(**{**p.__dict__, "seq": row["id"]})

    async def positions(self, debate_id: int, member_id: str | None = None) -> list[Position]:
        if member_id is None:
            found = await self.conn.fetch("SELECT * FROM positions WHERE debate_id = $1 ORDER BY id", debate_id)
        else:
            found = await self.conn.fetch(
                "SELECT * FROM positions WHERE debate_id = $1 AND member_id = $2 ORDER BY id", debate_id, member_id
            )
        return [rows.position(r) for r in found]

    async def record_action(self, a: ModAction) -> None:
        await self._write(
            "INSERT INTO mod_actions (space_id, debate_id, actor_id, actor_name, action, detail, at) "
            "SELECT space_id, $1, $2, $3, $4, $5, $6 FROM debates WHERE id = $1",
            a.debate_id, a.actor_id, a.actor_name, a.action, a.detail, a.at,
        )

    async def actions(self, debate_id: int) -> list[ModAction]:
        found = await self.conn.fetch("SELECT * FROM mod_actions WHERE debate_id = $1 ORDER BY id", debate_id)
        return [
            ModAction(r["debate_id"], r["actor_id"], r["actor_name"], r["action"], r["detail"], codec.from_ts(r["at"]))
            for r in found
        ]

    # ---- agenda and outbox ------------------------------------------------------------------------------

    async def schedule(self, space_id: int, debate_id: int, kind: str, phase: int, due_at: datetime) -> None:
        await self._write(
            "INSERT INTO agenda (space_id, debate_id, kind, phase, due_at) VALUES ($1, $2, $3, $4, $5)",
            space_id, debate_id, kind, phase, due_at,
        )

    async def unschedule(self, debate_id: int) -> None:
        await self._write("DELETE FROM agenda WHERE debate_id = $1 AND done_at IS NULL", debate_id)

    async def finish_due(self, item_id: int) -> bool:
        """Mark done; False if another process already did. Locks the debate first, as commands do, in the
        same statement (the condition runs before the agenda row is locked)."""
        return await self._write(
            "UPDATE agenda SET done_at = now() WHERE id = $1 AND done_at IS NULL AND EXISTS ("
            "SELECT 1 FROM debates WHERE id = agenda.debate_id" + _LOCK + ")",
            item_id,
        ) == 1

    async def enqueue(self, space_id: int, out: Outgoing, now: datetime) -> int:
        body = codec.message_json(out.message)
        if out.coalesce_key:
            replaced = await self._returning(
                "UPDATE outbox SET body = $1 WHERE space_id = $2 AND coalesce_key = $3 AND delivered_at IS NULL "
                "AND failed_at IS NULL AND claimed_by IS NULL RETURNING id",
                body, space_id, out.coalesce_key,
            )
            if replaced is not None:
                return int(replaced["id"])
        subject_kind, subject_id = out.subject or (None, None)
        return int((await self._returning(
            "INSERT INTO outbox (space_id, stream, debate_id, channel_id, in_thread, open_thread, edit_of, "
            "subject_kind, subject_id, coalesce_key, body, created_at, available_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
            space_id, stream_of(space_id, out), out.debate_id, out.channel_id, int(out.in_thread),
            out.open_thread, out.edit_of, subject_kind, subject_id, out.coalesce_key, body, now,
        ))["id"])

    async def outbox_id_of(self, space_id: int, subject: tuple[str, int]) -> int | None:
        found = await self.conn.fetchval(
            "SELECT id FROM outbox WHERE space_id = $1 AND subject_kind = $2 AND subject_id = $3 "
            "AND edit_of IS NULL ORDER BY id LIMIT 1",
            space_id, subject[0], subject[1],
        )
        return int(found) if found is not None else None

    async def subject_of(self, space_id: int, message_id: str) -> tuple[str, int, int] | None:
        """Which (kind, id, debate_id) a delivered message shows, e.g. ("argument", 4, 12)."""
        row = await self.conn.fetchrow(
            "SELECT subject_kind, subject_id, debate_id FROM outbox WHERE space_id = $1 AND message_id = $2 "
            "AND subject_kind IS NOT NULL LIMIT 1",
            space_id, message_id,
        )
        return (row[0], int(row[1]), int(row[2])) if row else None
