"""One transaction in the core's terms, written once for every engine.

Each statement exists here only, with PostgreSQL's `$n` placeholders; an engine's `Db` runs it natively
(SQLite rewrites `$n` to its own `?n`, PostgreSQL sends it as it is) and supplies the few fragments that
truly differ: `lock` (row locks for several processes; nothing under SQLite's single writer) and
`skip_locked` (claims that pass over rows another process holds). Times are bound as datetimes; each
`Db` encodes them for its engine and `rows` decodes either form.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from bot.domain import Argument, AuditEntry, Debate, Endorsement, Position, Space, SpaceRef, State
from bot.summaries import Rating
from storage import codec, rows
from storage.planning import PlanningStatements
from storage.uow_delivery import DeliveryStatements
from storage.uow_itt import IttStatements
from storage.uow_records import RecordsMixin
from storage.uow_steelman import SteelmanStatements
from storage.uow_votes import VotesMixin

Row = Mapping[str, Any]


class Db(Protocol):
    def locking(self, alias: str, share: bool = False) -> str:
        """Appended to a read of rows (of `alias`) a command is about to change, or with `share`, that
        must not change until commit while others may read them too."""
        ...

    def skip_locked(self, alias: str) -> str: ...
    def utc_text(self, column: str) -> str:
        """An expression giving a time column as fixed-width UTC text, `YYYY-MM-DDTHH:MM:SS.ffffff`."""
        ...

    async def one(self, sql: str, *args: Any) -> Row | None: ...
    async def all(self, sql: str, *args: Any) -> list[Row]: ...
    async def value(self, sql: str, *args: Any) -> Any: ...
    async def run(self, sql: str, *args: Any) -> int: ...  # rows touched
    async def tuples(self, sql: str, *args: Any) -> list[tuple]: ...  # plain rows, for bulk reads

    async def later(self, sql: str, *args: Any) -> None:
        """A write whose answer nobody reads. It is done before the next statement, or at the unit's end
        at the latest (`flush`), so an engine may send several of them to the server together."""
        ...

    async def flush(self) -> None: ...  # every `later` write done (the store calls it at a unit's end)

    # Idempotent writes this transaction holds already (a pending card edit): a repeat may be skipped. A
    # store shares the set among the units of one transaction only where no unit is undone alone.
    settled: set[Hashable]


_LATEST_COLUMNS = ("p.id AS p_id, p.member_name AS p_member_name, p.side AS p_side, p.confidence AS p_confidence, "
                   "p.reason AS p_reason, p.credited AS p_credited, p.phase AS p_phase, p.recorded_at AS p_recorded_at")

# Rate limits (bot.rules.PACED): each kind counted from the member's own rows in the debate. What leaves
# no row of its own (an answer to a restatement replaces the last, a map of the groups is a post) is
# noted in member_actions.
_PACE = {
    kind: f"SELECT COUNT(*) AS total, SUM(CASE WHEN {at} > $3 THEN 1 ELSE 0 END) AS recent, "
          f"MIN(CASE WHEN {at} > $3 THEN {at} END) AS oldest FROM {table} WHERE debate_id = $1 AND {who} = $2"
          + (f" AND kind = '{kind}'" if table == "member_actions" else "")
    for kind, table, who, at in (
        ("arguments", "arguments", "author_id", "created_at"),
        ("position_changes", "positions", "member_id", "recorded_at"),
        ("votes", "argument_votes", "member_id", "created_at"),
        ("itt_entries", "itt_entries", "author_id", "created_at"),
        ("itt_verdicts", "itt_ratings", "member_id", "created_at"),
        ("steelman_ratings", "steelman_ratings", "member_id", "created_at"),
        ("restatement_answers", "member_actions", "member_id", "at"),
        ("group_maps", "member_actions", "member_id", "at"),
    )
}


class UnitOfWork(RecordsMixin, PlanningStatements, VotesMixin, IttStatements, SteelmanStatements,  # and their
                 DeliveryStatements):  # modules
    def __init__(self, db: Db, spaces: dict[tuple[str, str], Space]):
        self.db = db
        self._spaces = spaces  # the store's cache of committed spaces (a space row never changes)
        self.new_spaces: list[Space] = []  # made here: cached by the store only once committed
        self._latest: dict[tuple[int, str], Position | None] = {}  # read along with a debate (one trip)
        # a member's rows in a debate, read along with it: {(debate, member): {"positions": n, ...}}
        self._counts: dict[tuple[int, str], dict[str, int]] = {}
        self.debate_seen: int | None = None  # the number of the debate last read or made (logs)
        self.wakes = False  # queued or released due work: other processes should look (NOTIFY)

    # ---- idempotency ----------------------------------------------------------------------------------

    async def record_event(self, space_id: int, key: str, result: dict[str, Any], now: datetime
                           ) -> dict[str, Any] | None:
        """Record that the platform's event `key` was handled with `result`. None when it is new; else
        the result stored the first time (the caller then rolls back what it did again). A second worker
        with the same key waits on the key until the first commits or rolls back."""
        new = await self.db.one(
            "INSERT INTO events (space_id, key, result, created_at) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT DO NOTHING RETURNING 1 AS new",
            space_id, key, json.dumps(result), now,
        )
        return None if new is not None else await self.event_result(space_id, key)

    async def event_result(self, space_id: int, key: str) -> dict[str, Any] | None:
        found = await self.db.value("SELECT result FROM events WHERE space_id = $1 AND key = $2", space_id, key)
        return None if found is None else json.loads(found or "{}")

    # ---- spaces and debates ----------------------------------------------------------------------------

    async def space(self, ref: SpaceRef, now: datetime) -> Space:
        """Get or create. Every command starts here, so a committed space is not asked for again."""
        key = (ref.platform, ref.external_id)
        if key in self._spaces:
            return self._spaces[key]
        query = "SELECT * FROM spaces WHERE platform = $1 AND external_id = $2"
        row = await self.db.one(query, *key)
        if row is None:  # read first: the space nearly always exists, and an upsert would write its row
            await self.db.run(
                "INSERT INTO spaces (platform, external_id, name, created_at) VALUES ($1, $2, $3, $4) "
                "ON CONFLICT (platform, external_id) DO NOTHING",
                ref.platform, ref.external_id, ref.name, now,
            )
            row = await self.db.one(query, *key)
        found = rows.space(row)
        self.new_spaces.append(found)
        return found

    async def add_debate(self, d: Debate) -> Debate:
        """Assigns the id and the space's next number."""
        d.number = await self.db.value(
            "UPDATE spaces SET next_debate = next_debate + 1 WHERE id = $1 RETURNING next_debate - 1",
            d.space_id,
        )
        d.id = await self.db.value(
            "INSERT INTO debates (space_id, number, motion, sides, format, state, phase, phase_ends_at, "
            "channel_id, thread_id, started_by, started_by_name, created_at, phase_started_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
            d.space_id, d.number, d.motion, codec.sides_json(d.sides), codec.format_json(d.format),
            d.state.value, d.phase, d.phase_ends_at, d.channel_id, d.thread_id, d.started_by,
            d.started_by_name, d.created_at, d.phase_started_at,
        )
        self.debate_seen = d.number
        return d

    async def _debate(self, where: str, *args: Any, share: bool = False, member: str | None = None
                      ) -> Debate | None:
        if member is None:
            row = await self.db.one(f"SELECT * FROM debates d WHERE {where}{self.db.locking('d', share)}", *args)
            return self._seen(rows.debate(row)) if row else None
        # The member's latest position comes along in the same trip: nearly every member command needs it.
        row = await self.db.one(
            f"SELECT d.*, {_LATEST_COLUMNS}, (SELECT COUNT(*) FROM positions c WHERE c.debate_id = d.id "
            f"AND c.member_id = ${len(args) + 1}) AS p_count, (SELECT COUNT(*) FROM arguments a WHERE "
            f"a.debate_id = d.id AND a.author_id = ${len(args) + 1}) AS a_count, (SELECT COUNT(*) FROM "
            f"argument_votes v WHERE v.debate_id = d.id AND v.member_id = ${len(args) + 1}) AS v_count "
            f"FROM debates d LEFT JOIN positions p ON p.id = "
            f"(SELECT MAX(q.id) FROM positions q WHERE q.debate_id = d.id AND q.member_id = ${len(args) + 1}) "
            f"WHERE {where}{self.db.locking('d', share)}",
            *args, member,
        )
        if row is None:
            return None
        found = rows.debate(row)
        self._latest[(found.id, member)] = rows.latest_position(row, found.id, member)
        self._counts[(found.id, member)] = {"positions": int(row["p_count"] or 0),
                                            "arguments": int(row["a_count"] or 0),
                                            "votes": int(row["v_count"] or 0)}
        return self._seen(found)

    def _seen(self, debate: Debate) -> Debate:
        self.debate_seen = debate.number
        return debate

    async def debate(self, space_id: int, number: int, share: bool = False, member: str | None = None
                     ) -> Debate | None:
        """`share`: the command only reads the debate (a vote, an endorsement): others may do so at the
        same time, while a phase change waits; otherwise the command has it to itself until commit.
        `member`: also read that member's latest position (`latest_position` then needs no trip)."""
        return await self._debate("d.space_id = $1 AND d.number = $2", space_id, number, share=share, member=member)

    async def debate_by_id(self, debate_id: int) -> Debate | None:
        return await self._debate("d.id = $1", debate_id)

    async def debate_in_thread(self, space_id: int, thread_id: str, share: bool = False,
                               member: str | None = None) -> Debate | None:
        return await self._debate("d.space_id = $1 AND d.thread_id = $2 ORDER BY d.id DESC LIMIT 1",
                                  space_id, thread_id, share=share, member=member)

    async def debates(self, space_id: int, states: Sequence[State] | None = None) -> list[Debate]:
        found = await self.db.all("SELECT * FROM debates WHERE space_id = $1 ORDER BY number", space_id)
        wanted = {s.value for s in states} if states else None
        return [rows.debate(r) for r in found if wanted is None or r["state"] in wanted]

    async def save_debate(self, d: Debate) -> None:
        """State, phase, deadlines and thread."""
        await self.db.run(
            "UPDATE debates SET state = $1, phase = $2, phase_ends_at = $3, thread_id = COALESCE($4, thread_id), "
            "pre_vote_closed_at = $5, post_vote_closed_at = $6, closed_at = $7, phase_started_at = $10 "
            "WHERE id = $8 AND space_id = $9",
            d.state.value, d.phase, d.phase_ends_at, d.thread_id, d.pre_vote_closed_at, d.post_vote_closed_at,
            d.closed_at, d.id, d.space_id, d.phase_started_at,
        )

    # ---- arguments, endorsements, positions -----------------------------------------------------------

    async def add_argument(self, a: Argument) -> Argument:
        """Assigns the debate's next number."""
        row = await self.db.one(
            "UPDATE debates SET next_argument = next_argument + 1 WHERE id = $1 "
            "RETURNING next_argument - 1 AS number, space_id",
            a.debate_id,
        )
        await self.db.run(
            "INSERT INTO arguments (space_id, debate_id, number, author_id, author_name, side, phase, text, "
            "rebuts, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            row["space_id"], a.debate_id, row["number"], a.author_id, a.author_name, a.side, a.phase, a.text,
            a.rebuts, a.created_at,
        )
        if (a.debate_id, a.author_id) in self._counts:
            self._counts[(a.debate_id, a.author_id)]["arguments"] += 1
        return Argument(**{**a.__dict__, "number": row["number"]})

    async def argument(self, debate_id: int, number: int) -> Argument | None:
        row = await self.db.one("SELECT * FROM arguments WHERE debate_id = $1 AND number = $2", debate_id, number)
        return rows.argument(row) if row else None

    async def arguments(self, debate_id: int) -> list[Argument]:
        found = await self.db.all("SELECT * FROM arguments WHERE debate_id = $1 ORDER BY number", debate_id)
        return [rows.argument(r) for r in found]

    async def count_arguments(self, debate_id: int, author_id: str, phase: int) -> int:
        return int(await self.db.value(
            "SELECT COUNT(*) FROM arguments WHERE debate_id = $1 AND author_id = $2 AND phase = $3",
            debate_id, author_id, phase,
        ))

    def known_count(self, what: str, debate_id: int, member_id: str) -> int | None:
        """How many positions, arguments or votes (`what`) the member has in the debate, when a debate read
        brought the count along (None otherwise)."""
        counts = self._counts.get((debate_id, member_id))
        return counts[what] if counts is not None else None

    async def pace(self, kind: str, debate_id: int, member_id: str, since: datetime
                   ) -> tuple[int, int, datetime | None]:
        """How often a member did `kind` (a key of bot.rules.PACED) in a debate: in all, since `since`, and
        the oldest of those (rate limits; the rows are few: the limits bound them)."""
        row = await self.db.one(_PACE[kind], debate_id, member_id, since)
        return int(row["total"] or 0), int(row["recent"] or 0), codec.from_ts(row["oldest"])

    async def note_action(self, kind: str, debate_id: int, member_id: str, now: datetime) -> None:
        """Note that a member did `kind` in a debate, for what leaves no row of its own to count."""
        await self.db.run("INSERT INTO member_actions (space_id, debate_id, member_id, kind, at) "
                          "SELECT space_id, $1, $2, $3, $4 FROM debates WHERE id = $1",
                          debate_id, member_id, kind, now)

    async def tally(self, debate_id: int) -> tuple[dict[str, int], int]:
        """Members per side (each by their latest position) and the number of arguments, in one query."""
        found = await self.db.all(
            "SELECT side, COUNT(*) AS n FROM positions p WHERE p.debate_id = $1 AND p.id = "
            "(SELECT MAX(q.id) FROM positions q WHERE q.debate_id = p.debate_id AND q.member_id = p.member_id) "
            "GROUP BY side UNION ALL SELECT '#arguments', COUNT(*) FROM arguments WHERE debate_id = $1",
            debate_id,
        )
        counts = {r[0]: int(r[1]) for r in found}
        return counts, counts.pop("#arguments", 0)

    async def endorse(self, e: Endorsement) -> bool:
        """False if already endorsed."""
        return await self.db.run(
            "INSERT INTO endorsements (space_id, debate_id, argument, member_id, member_name, created_at) "
            "SELECT space_id, $1, $2, $3, $4, $5 FROM debates WHERE id = $1 ON CONFLICT DO NOTHING",
            e.debate_id, e.argument, e.member_id, e.member_name, e.created_at,
        ) == 1

    async def withdraw(self, debate_id: int, argument: int, member_id: str) -> bool:
        return await self.db.run(
            "DELETE FROM endorsements WHERE debate_id = $1 AND argument = $2 AND member_id = $3",
            debate_id, argument, member_id,
        ) == 1

    async def endorsements(self, debate_id: int) -> list[Endorsement]:
        found = await self.db.all("SELECT * FROM endorsements WHERE debate_id = $1", debate_id)
        # Sorted here, not in SQL: code-point order is the same whatever the database's collation.
        return sorted((rows.endorsement(r) for r in found), key=lambda e: (e.argument, e.created_at, e.member_id))

    async def append_position(self, p: Position) -> Position:
        """Log a position (append-only). Its `seq` is known once read back: the write may go to the server
        with the unit's other writes."""
        await self.db.later(
            "INSERT INTO positions (space_id, debate_id, member_id, member_name, side, confidence, reason, "
            "credited, phase, recorded_at) SELECT space_id, $1, $2, $3, $4, $5, $6, $7, $8, $9 FROM debates "
            "WHERE id = $1",
            p.debate_id, p.member_id, p.member_name, p.side, p.confidence, p.reason, p.credited, p.phase,
            p.recorded_at,
        )
        self._latest[(p.debate_id, p.member_id)] = p
        if (p.debate_id, p.member_id) in self._counts:
            self._counts[(p.debate_id, p.member_id)]["positions"] += 1
        return p

    async def positions(self, debate_id: int, member_id: str | None = None) -> list[Position]:
        if member_id is None:
            found = await self.db.all("SELECT * FROM positions WHERE debate_id = $1 ORDER BY id", debate_id)
        else:
            found = await self.db.all(
                "SELECT * FROM positions WHERE debate_id = $1 AND member_id = $2 ORDER BY id", debate_id, member_id
            )
        return [rows.position(r) for r in found]

    async def position_page(self, debate_id: int, member_id: str, size: int, page: int
                            ) -> tuple[list[Position], int]:
        """One page of a member's positions, newest first, and how many they have in all."""
        total = await self.db.value("SELECT COUNT(*) FROM positions WHERE debate_id = $1 AND member_id = $2",
                                    debate_id, member_id)
        found = await self.db.all(
            "SELECT * FROM positions WHERE debate_id = $1 AND member_id = $2 "
            "ORDER BY id DESC LIMIT $3 OFFSET $4", debate_id, member_id, size, (page - 1) * size,
        )
        return [rows.position(r) for r in found], int(total or 0)

    async def latest_position(self, debate_id: int, member_id: str) -> Position | None:
        if (debate_id, member_id) in self._latest:
            return self._latest[(debate_id, member_id)]
        row = await self.db.one(
            "SELECT * FROM positions WHERE debate_id = $1 AND member_id = $2 ORDER BY id DESC LIMIT 1",
            debate_id, member_id,
        )
        return rows.position(row) if row else None

    async def audit(self, a: AuditEntry) -> None:
        await self.db.run(
            # a debate's action takes the debate's space; one on the whole space names it
            "INSERT INTO mod_actions (space_id, debate_id, actor_id, actor_name, action, detail, at) "
            "SELECT s.id, $1, $2, $3, $4, $5, $6 FROM spaces s "
            "WHERE s.id = COALESCE($7, (SELECT space_id FROM debates WHERE id = $1))",
            a.debate_id, a.actor_id, a.actor_name, a.action, a.detail, a.at, a.space_id,
        )

    async def audit_log(self, debate_id: int) -> list[AuditEntry]:
        found = await self.db.all("SELECT * FROM mod_actions WHERE debate_id = $1 ORDER BY id", debate_id)
        return [rows.audit_entry(r) for r in found]

    # ---- the steelman: a space's engine, members' ratings ------------------------------------------------

    async def steelman_engine(self, space_id: int) -> str | None:
        return await self.db.value("SELECT engine FROM steelman_engines WHERE space_id = $1", space_id)

    async def set_steelman_engine(self, space_id: int, engine: str, actor_id: str, now: datetime) -> None:
        await self.db.run(
            "INSERT INTO steelman_engines (space_id, engine, set_by, set_at) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (space_id) DO UPDATE SET engine = excluded.engine, set_by = excluded.set_by, "
            "set_at = excluded.set_at",
            space_id, engine, actor_id, now,
        )

    async def rate_steelman(self, r: Rating) -> None:
        await self.db.run(
            "INSERT INTO steelman_ratings (space_id, debate_id, side, member_id, member_name, member_side, "
            "stars, engine, created_at) SELECT space_id, $1, $2, $3, $4, $5, $6, $7, $8 FROM debates "
            "WHERE id = $1",
            r.debate_id, r.side, r.member_id, r.member_name, r.member_side, r.stars, r.engine, r.created_at,
        )

    async def steelman_ratings(self, debate_id: int) -> list[Rating]:
        found = await self.db.all("SELECT * FROM steelman_ratings WHERE debate_id = $1 ORDER BY id", debate_id)
        return [Rating(r["debate_id"], r["side"], r["member_id"], r["member_name"], r["member_side"],
                       r["stars"], r["engine"], codec.from_ts(r["created_at"])) for r in found]
