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

from bot.domain import Argument, AuditEntry, Debate, Endorsement, Job, Position, Space, SpaceRef, State
from bot.messages import OutboxItem, Outgoing, Receipt
from bot.summaries import Rating
from storage import codec, rows
from storage.planning import PlanningStatements
from storage.codec import stream_of
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

_OUTBOX_CLAIMED = """
SELECT o.*, s.platform, s.external_id, s.name AS space_name, d.thread_id AS debate_thread,
       e.message_id AS edit_message_id
FROM outbox o
JOIN spaces s ON s.id = o.space_id
LEFT JOIN debates d ON d.id = o.debate_id
LEFT JOIN outbox e ON e.id = o.edit_of
WHERE o.claimed_by = $1 AND o.delivered_at IS NULL AND o.failed_at IS NULL
ORDER BY o.id
"""

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

# Only a stream's head (its oldest pending message) is due: one thread's messages go out in order.
# A debate's posts stream (storage.codec.stream_of) starts once the card has opened the debate's thread;
# the notice that closes the thread waits for the posts queued before it.
_HEAD = ("o.delivered_at IS NULL AND o.failed_at IS NULL AND NOT EXISTS (SELECT 1 FROM outbox p "
         "WHERE p.stream = o.stream AND p.id < o.id AND p.delivered_at IS NULL AND p.failed_at IS NULL) "
         "AND (o.stream NOT LIKE '%:posts' OR EXISTS (SELECT 1 FROM debates t "
         "WHERE t.id = o.debate_id AND t.thread_id IS NOT NULL)) "
         "AND (COALESCE(o.subject_kind, '') <> 'closing' OR NOT EXISTS (SELECT 1 FROM outbox q "
         "WHERE q.stream = o.stream || ':posts' AND q.id < o.id AND q.delivered_at IS NULL "
         "AND q.failed_at IS NULL))")


class UnitOfWork(RecordsMixin, PlanningStatements, VotesMixin, IttStatements, SteelmanStatements):  # and their modules
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

    # ---- the agenda: due work of any kind ---------------------------------------------------------------

    async def schedule(self, job: Job) -> bool:
        """Queue a job; False when one of its kind and key is already pending (it stays as it was)."""
        added = await self.db.run(
            "INSERT INTO agenda (space_id, debate_id, kind, phase, due_at, key, payload) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            job.space_id, job.debate_id, job.kind, job.phase, job.due_at, job.key, json.dumps(dict(job.payload)),
        ) == 1
        self.wakes = self.wakes or added
        return added

    async def unschedule(self, debate_id: int, kind: str | None = None) -> None:
        """Drop a debate's pending jobs (of one kind, or all)."""
        if kind is None:
            await self.db.run("DELETE FROM agenda WHERE debate_id = $1 AND done_at IS NULL", debate_id)
        else:
            await self.db.run("DELETE FROM agenda WHERE debate_id = $1 AND kind = $2 AND done_at IS NULL",
                              debate_id, kind)

    async def claim_due(self, now: datetime, worker: str, lease_until: datetime, limit: int = 50) -> list[Job]:
        """Lease what is due. A claim whose lease ran out (its process died) can be taken over."""
        found = await self.db.all(
            "UPDATE agenda SET claimed_by = $1, lease_until = $2 WHERE id IN (SELECT a.id FROM agenda a "
            "WHERE a.done_at IS NULL AND a.due_at <= $3 AND (a.lease_until IS NULL OR a.lease_until < $3) "
            f"ORDER BY a.due_at, a.id LIMIT $4{self.db.skip_locked('a')}) RETURNING *",
            worker, lease_until, now, limit,
        )
        return sorted((rows.job(r) for r in found), key=lambda j: (j.due_at, j.id))

    async def finish_due(self, job_id: int, now: datetime) -> bool:
        """Mark done; False if another process already did. A debate's job locks the debate first, as
        commands do, in the same statement (the condition runs before the agenda row is locked)."""
        return await self.db.run(
            "UPDATE agenda SET done_at = $1 WHERE id = $2 AND done_at IS NULL AND (agenda.debate_id IS NULL "
            f"OR EXISTS (SELECT 1 FROM debates WHERE debates.id = agenda.debate_id{self.db.locking('debates')}))",
            now, job_id,
        ) == 1

    async def hold_due(self, job_id: int, lease_until: datetime) -> None:
        """Keep a job that finish_due marked done in this transaction pending after all, under its claim
        until `lease_until`: its work continues after the commit, and finishes it then (JobCtx.defer)."""
        await self.db.run("UPDATE agenda SET done_at = NULL, lease_until = $2 WHERE id = $1", job_id, lease_until)

    async def release_claims(self, worker: str) -> int:
        """Give up what `worker` claimed and has not finished (jobs, and messages under its claim
        names `worker#n`), so another process may take it now, not when the lease runs out."""
        jobs = await self.db.run(
            "UPDATE agenda SET claimed_by = NULL, lease_until = NULL "
            "WHERE claimed_by = $1 AND done_at IS NULL",
            worker,
        )
        prefix = f"{worker}#"
        messages = await self.db.run(
            "UPDATE outbox SET claimed_by = NULL, lease_until = NULL "
            "WHERE substr(claimed_by, 1, $2) = $1 AND delivered_at IS NULL AND failed_at IS NULL",
            prefix, len(prefix),
        )
        self.wakes = self.wakes or bool(jobs + messages)
        return jobs + messages

    async def next_due_at(self) -> datetime | None:
        """When the next job is due, or its lease runs out."""
        return codec.from_ts(await self.db.value(
            "SELECT MIN(CASE WHEN lease_until IS NOT NULL AND lease_until > due_at THEN lease_until "
            "ELSE due_at END) FROM agenda WHERE done_at IS NULL"
        ))

    # ---- the outbox -----------------------------------------------------------------------------------

    async def refresh(self, space_id: int, out: Outgoing, now: datetime) -> None:
        """Queue an edit of the first post showing `out.subject` (drawn when sent), in one statement (none
        when that post does not exist or an edit of it is already pending and unclaimed)."""
        once = ("edit", space_id, out.subject, out.coalesce_key)
        if once in self.db.settled:  # an edit queued earlier in this transaction is pending: this one would
            return  # find it and insert nothing
        self.db.settled.add(once)
        await self.db.later(
            "INSERT INTO outbox (space_id, stream, debate_id, channel_id, in_thread, edit_of, coalesce_key, "
            "body, created_at, available_at) SELECT $1, $2, $3, $4, $5, c.id, $6, $7, $8, $8 FROM outbox c "
            "WHERE c.space_id = $1 AND c.subject_kind = $9 AND c.subject_id = $10 AND c.edit_of IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.space_id = $1 AND p.coalesce_key = $6 "
            "AND p.delivered_at IS NULL AND p.failed_at IS NULL AND p.claimed_by IS NULL) "
            "ORDER BY c.id LIMIT 1",
            space_id, stream_of(space_id, out), out.debate_id, out.channel_id, int(out.in_thread),
            out.coalesce_key, codec.message_json(out), now, out.subject[0], out.subject[1],
        )
        # no NOTIFY for it: this process's own agenda is woken by the command and sends the edit; a burst
        # of votes would otherwise wake every other process for an edit that is already on its way

    async def enqueue(self, space_id: int, out: Outgoing, now: datetime) -> int:
        """Queue a message; its id."""
        subject_kind, subject_id = out.subject or (None, None)
        if out.subject is not None:  # a first post of this subject: an edit of it may now find it
            self.db.settled.difference_update([k for k in self.db.settled if k[1:3] == (space_id, out.subject)])
        self.wakes = True
        return await self.db.value(
            "INSERT INTO outbox (space_id, stream, debate_id, channel_id, in_thread, open_thread, edit_of, "
            "subject_kind, subject_id, body, created_at, available_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
            space_id, stream_of(space_id, out), out.debate_id, out.channel_id, int(out.in_thread),
            out.open_thread, out.edit_of, subject_kind, subject_id, codec.message_json(out), now,
        )

    async def outbox_id_of(self, space_id: int, subject: tuple[str, int], debate_id: int | None = None
                           ) -> int | None:
        """The first post that showed this subject (a card, an argument): edits refer to it. Argument
        numbers restart in each debate, so `debate_id` tells whose argument #n is meant."""
        if debate_id is not None:
            return await self.db.value(
                "SELECT id FROM outbox WHERE space_id = $1 AND subject_kind = $2 AND subject_id = $3 "
                "AND debate_id = $4 AND edit_of IS NULL ORDER BY id LIMIT 1",
                space_id, subject[0], subject[1], debate_id,
            )
        return await self.db.value(
            "SELECT id FROM outbox WHERE space_id = $1 AND subject_kind = $2 AND subject_id = $3 "
            "AND edit_of IS NULL ORDER BY id LIMIT 1",
            space_id, subject[0], subject[1],
        )

    async def subject_of(self, space_id: int, message_id: str) -> tuple[str, int, int] | None:
        """Which (kind, id, debate_id) a delivered message shows, e.g. ("argument", 4, 12)."""
        row = await self.db.one(
            "SELECT subject_kind, subject_id, debate_id FROM outbox WHERE space_id = $1 AND message_id = $2 "
            "AND subject_kind IS NOT NULL LIMIT 1",
            space_id, message_id,
        )
        return (row[0], int(row[1]), int(row[2])) if row else None

    async def claim_outbox(self, now: datetime, claim: str, lease_until: datetime, limit: int = 50
                           ) -> list[OutboxItem]:
        """Lease the heads of streams that are due, under a claim name used once."""
        self.db.settled.clear()  # a pending edit claimed now is no longer pending: the next refresh queues one
        await self.db.run(
            "UPDATE outbox SET claimed_by = $1, lease_until = $2, tries = tries + 1 "
            "WHERE id IN (SELECT o.id FROM outbox o "
            f"WHERE {_HEAD} AND o.available_at <= $3 AND (o.lease_until IS NULL OR o.lease_until < $3) "
            f"ORDER BY o.id LIMIT $4{self.db.skip_locked('o')})",
            claim, lease_until, now, limit,
        )
        return [rows.outbox_item(r) for r in await self.db.all(_OUTBOX_CLAIMED, claim)]

    async def delivered(self, item_id: int, receipt: Receipt, now: datetime) -> None:
        await self.db.run(
            "UPDATE outbox SET delivered_at = $1, message_id = $2, thread_id = $3, lease_until = NULL WHERE id = $4",
            now, receipt.message_id, receipt.thread_id, item_id,
        )
        if receipt.thread_id is not None:  # the post that opened a thread tells the debate where it is
            await self.db.run(
                "UPDATE debates SET thread_id = $1 WHERE id = (SELECT debate_id FROM outbox "
                "WHERE id = $2 AND open_thread IS NOT NULL)",
                receipt.thread_id, item_id,
            )

    async def delivery_failed(self, item_id: int, error: str, now: datetime, retry_at: datetime | None,
                              unsent: bool = False) -> None:
        """Try again at `retry_at`, or give up for good when it is None. `unsent`: the platform refused
        it (a rate limit), so this attempt reached nothing and does not count as a try of unknown outcome."""
        if unsent:
            await self.db.run("UPDATE outbox SET tries = tries - 1 WHERE id = $1 AND tries > 0", item_id)
        if retry_at is None:
            await self.db.run(
                "UPDATE outbox SET attempts = attempts + 1, last_error = $1, claimed_by = NULL, "
                "lease_until = NULL, failed_at = $2 WHERE id = $3",
                error[:500], now, item_id,
            )
        else:
            await self.db.run(
                "UPDATE outbox SET attempts = attempts + 1, last_error = $1, claimed_by = NULL, "
                "lease_until = NULL, available_at = $2 WHERE id = $3",
                error[:500], retry_at, item_id,
            )

    async def outbox_backlog(self) -> tuple[int, datetime | None]:
        """How many messages wait to be delivered, and when the oldest of them was queued."""
        row = await self.db.one("SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox "
                                "WHERE delivered_at IS NULL AND failed_at IS NULL")
        return int(row["n"]), codec.from_ts(row["oldest"])

    async def next_outbox_at(self) -> datetime | None:
        # Only stream heads count: a message queued behind a leased or backing-off head is not due before
        # it, and counting it would wake the agenda loop in a busy spin until the head moves.
        return codec.from_ts(await self.db.value(
            "SELECT MIN(CASE WHEN o.lease_until IS NOT NULL AND o.lease_until > o.available_at "
            f"THEN o.lease_until ELSE o.available_at END) FROM outbox o WHERE {_HEAD}"
        ))

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
