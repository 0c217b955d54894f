"""The unit of work's statements for what is due: the agenda (deadlines and jobs of any kind, claimed
under leases) and the outbox (messages queued in the transaction that caused them, delivered once, in
order per stream). Part of `storage.uow.UnitOfWork` (kept apart for size); every statement written once,
with `$n` placeholders.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.domain import Job
from bot.messages import OutboxItem, Outgoing, Receipt
from storage import codec, rows
from storage.codec import stream_of

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


class DeliveryStatements:
    db: Any
    wakes: bool

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
