"""The unit of work's statements for a community's record: exports read in pages, the audit log of a
space, pseudonym secrets, and erasing a member. Part of `storage.uow.UnitOfWork` (kept apart only for
size); the same rules hold: every statement written once, `$n` placeholders, every query bound to a space.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.domain import AuditEntry, Space
from storage import rows
from storage.codec import from_ts, note_json
from storage.export_sql import JSON, TABLES, TIMES, csv_sql, page_sql, text_sql


def _decode(names: Sequence[str], row: Any) -> tuple:
    return tuple(from_ts(v) if n in TIMES else json.loads(v) if n in JSON else v for n, v in zip(names, row))


class RecordsMixin:
    db: Any

    async def export_page(self, space_id: int, table: str, after: tuple | None, limit: int,
                          debate_id: int | None = None) -> tuple[tuple[str, ...], list[tuple], tuple | None]:
        """One page of a table of the space (of one debate, or all), after the cursor `after`: the column
        names, the rows (times as datetimes, JSON decoded) and the cursor of the next page (None at the end)."""
        args: list[Any] = [space_id]
        if debate_id is not None:
            args.append(debate_id)
        args.extend(after or ())
        found = await self.db.all(page_sql(table, after is not None, debate_id is not None), *args, limit)
        if not found:
            return (), [], None
        names = tuple(found[0].keys())
        last = found[-1]
        cursor = tuple(last[k.split(".")[1]] for k in TABLES[table][2])  # each key column is selected
        page = [_decode(names, r) for r in found]
        return names, page, cursor if len(found) == limit else None

    async def export_text_page(self, space_id: int, table: str, after: tuple | None, limit: int,
                               debate_id: int | None = None) -> tuple[list[tuple], tuple | None]:
        """One page of a table as text (see `_TEXT`): each row its page key, then the exported columns;
        and the cursor of the next page (None at the end). Not for `debates`, whose cells are JSON."""
        args: list[Any] = [space_id]
        if debate_id is not None:
            args.append(debate_id)
        args.extend(after or ())
        found = await self.db.tuples(text_sql(self.db, table, after is not None, debate_id is not None),
                                     *args, limit)
        width = len(TABLES[table][2])
        cursor = found[-1][:width] if len(found) == limit else None
        return found, cursor

    async def export_csv_page(self, space_id: int, table: str, after: tuple | None, limit: int,
                              debate_id: int | None = None) -> tuple[bytes, int, tuple | None]:
        """One page of a table as CSV lines written by the database (as `csv.writer` writes the rows of
        `export_text_page`), UTF-8 encoded; its row count; the cursor of the next page (None at the end).
        Only for the tables `export_sql.csv_ready` names."""
        args: list[Any] = [space_id]
        if debate_id is not None:
            args.append(debate_id)
        args.extend(after or ())
        count, last, lines = await self.db.one(csv_sql(self.db, table, after is not None, debate_id is not None),
                                               *args, limit)
        return bytes(lines or b""), count, (last,) if count == limit else None

    async def count_records(self, space_id: int, debate_id: int | None = None) -> int:
        """Rows an export of the space (or of one debate) holds: what tells a quick reply from a job."""
        if debate_id is None:
            where, args = "space_id = $1", (space_id,)
        else:
            where, args = "space_id = $1 AND debate_id = $2", (space_id, debate_id)
        return int(await self.db.value(
            f"SELECT (SELECT COUNT(*) FROM arguments WHERE {where}) + (SELECT COUNT(*) FROM endorsements "
            f"WHERE {where}) + (SELECT COUNT(*) FROM positions WHERE {where})", *args))

    async def spaces(self) -> list[Space]:
        """Every community (for the operator's command line, which names one)."""
        return [rows.space(r) for r in await self.db.all("SELECT * FROM spaces ORDER BY id")]

    async def space_secret(self, space_id: int, fresh: str, now: datetime) -> str:
        """The space's pseudonym secret; `fresh` becomes it the first time one is asked for."""
        await self.db.run("INSERT INTO space_secrets (space_id, secret, created_at) VALUES ($1, $2, $3) "
                          "ON CONFLICT DO NOTHING", space_id, fresh, now)
        return await self.db.value("SELECT secret FROM space_secrets WHERE space_id = $1", space_id)

    async def space_audit(self, space_id: int, limit: int) -> list[AuditEntry]:
        """The space's most recent moderator actions, newest first."""
        found = await self.db.all("SELECT * FROM mod_actions WHERE space_id = $1 ORDER BY id DESC LIMIT $2",
                                  space_id, limit)
        return [rows.audit_entry(r) for r in found]

    async def remove_credits(self, debate_id: int, argument: int, member_id: str | None = None) -> int:
        """Positions crediting `argument` (of one member, or all) no longer credit it; how many."""
        if member_id is None:
            return await self.db.run("UPDATE positions SET credited = NULL WHERE debate_id = $1 AND credited = $2",
                                     debate_id, argument)
        return await self.db.run("UPDATE positions SET credited = NULL WHERE debate_id = $1 AND credited = $2 "
                                 "AND member_id = $3", debate_id, argument, member_id)

    async def replace_argument(self, debate_id: int, number: int, text: str, unlink: bool) -> None:
        """The argument's text becomes `text`; `unlink`: it no longer names its author either. The
        debate's stored model steelman goes too: its points may quote the old text."""
        await self.db.run("DELETE FROM steelman_summaries WHERE debate_id = $1", debate_id)
        if unlink:
            await self.db.run("UPDATE arguments SET text = $1, author_id = '', author_name = '' "
                              "WHERE debate_id = $2 AND number = $3", text, debate_id, number)
        else:
            await self.db.run("UPDATE arguments SET text = $1 WHERE debate_id = $2 AND number = $3",
                              text, debate_id, number)

    async def member_arguments(self, space_id: int, member_id: str) -> list[tuple[int, int, str]]:
        """(debate id, number, text) of every argument the member wrote in the space."""
        found = await self.db.all("SELECT debate_id, number, text FROM arguments WHERE space_id = $1 "
                                  "AND author_id = $2 ORDER BY id", space_id, member_id)
        return [(r[0], r[1], r[2]) for r in found]

    async def erase_member(self, space_id: int, member_id: str, placeholder: str, removed: str
                           ) -> dict[str, Any]:
        """Delete the member's positions, endorsements, steelman ratings, motion votes and reminders; the
        text of motions they proposed that were never debated becomes `removed`; unlink them from what they
        started, proposed, scheduled or did as a moderator (shown as `placeholder`); the names they went
        by, their motions' texts and counts. Call it before their arguments are replaced (it reads their
        names from those too)."""
        names = await self.db.all(
            "SELECT author_name FROM arguments WHERE space_id = $1 AND author_id = $2 UNION "
            "SELECT member_name FROM positions WHERE space_id = $1 AND member_id = $2 UNION "
            "SELECT member_name FROM endorsements WHERE space_id = $1 AND member_id = $2 UNION "
            "SELECT member_name FROM argument_votes WHERE space_id = $1 AND member_id = $2 UNION "
            "SELECT member_name FROM steelman_ratings WHERE space_id = $1 AND member_id = $2 UNION "
            "SELECT proposer_name FROM motions WHERE space_id = $1 AND proposer_id = $2 UNION "
            "SELECT created_by_name FROM schedules WHERE space_id = $1 AND created_by = $2 UNION "
            "SELECT author_name FROM itt_entries WHERE space_id = $1 AND author_id = $2 UNION "
            "SELECT member_name FROM itt_ratings WHERE space_id = $1 AND member_id = $2",
            space_id, member_id)
        texts = await self.db.all("SELECT text FROM motions WHERE space_id = $1 AND proposer_id = $2 "
                                  "AND debate_id IS NULL", space_id, member_id)
        written = await self.db.all(
            "SELECT text FROM itt_entries WHERE space_id = $1 AND author_id = $2 UNION "
            "SELECT r.text FROM restatements r JOIN arguments a ON a.debate_id = r.debate_id "
            "AND a.number = r.rebuttal WHERE r.space_id = $1 AND a.author_id = $2", space_id, member_id)
        # their Turing-test entries and answers go, and the restatements that opened their rebuttals
        who = (space_id, member_id)
        await self.db.run("DELETE FROM itt_entries WHERE space_id = $1 AND author_id = $2", *who)
        await self.db.run("DELETE FROM itt_ratings WHERE space_id = $1 AND member_id = $2", *who)
        await self.db.run("DELETE FROM restatements WHERE space_id = $1 AND EXISTS (SELECT 1 FROM arguments "
                          "a WHERE a.debate_id = restatements.debate_id AND a.number = restatements.rebuttal "
                          "AND a.author_id = $2)", *who)
        done: dict[str, Any] = {
            "names": sorted(r[0] for r in names),
            "texts": sorted(r[0] for r in written) + [r[0] for r in texts],
            "positions": await self.db.run("DELETE FROM positions WHERE space_id = $1 AND member_id = $2",
                                           space_id, member_id),
            "endorsements": await self.db.run("DELETE FROM endorsements WHERE space_id = $1 AND member_id = $2",
                                              space_id, member_id),
        }
        # their votes go too (the endorsements were their agree votes)
        await self.db.run("DELETE FROM argument_votes WHERE space_id = $1 AND member_id = $2", space_id, member_id)
        done["ratings"] = await self.db.run(
            "DELETE FROM steelman_ratings WHERE space_id = $1 AND member_id = $2", space_id, member_id)
        for table in ("motion_votes", "reminder_requests", "member_actions"):
            await self.db.run(f"DELETE FROM {table} WHERE space_id = $1 AND member_id = $2",
                              space_id, member_id)
        # A motion the member proposed that was never debated is their text: it goes too.
        await self.db.run("UPDATE motions SET text = $3 WHERE space_id = $1 AND proposer_id = $2 "
                          "AND debate_id IS NULL", space_id, member_id, removed)
        for table, who, name in (("debates", "started_by", "started_by_name"),
                                 ("motions", "proposer_id", "proposer_name"),
                                 ("motions", "closed_by", "closed_by_name"),
                                 ("schedules", "created_by", "created_by_name")):
            await self.db.run(f"UPDATE {table} SET {who} = $3, {name} = $3 "
                              f"WHERE space_id = $1 AND {who} = $2", space_id, member_id, placeholder)
        await self.db.run("UPDATE steelman_engines SET set_by = $3 WHERE space_id = $1 AND set_by = $2",
                          space_id, member_id, placeholder)
        await self.db.run("UPDATE mod_actions SET actor_id = $3, actor_name = $3 WHERE space_id = $1 "
                          "AND actor_id = $2", space_id, member_id, placeholder)
        return done

    async def scrub(self, space_id: int, needles: Sequence[str], note: str) -> int:
        """Outbox bodies and stored replies of the space that contain any of `needles` now say only
        `note`; how many. (LIKE: case-insensitive for ASCII on SQLite, so it scrubs at least as much.)"""
        body, result = note_json(note), json.dumps({"text": note, "kind": "info", "ephemeral": True})
        touched = 0
        for needle in dict.fromkeys(n for n in needles if n):
            like = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            touched += await self.db.run("UPDATE outbox SET body = $2 WHERE space_id = $1 AND body <> $2 "
                                         "AND body LIKE $3 ESCAPE '\\'", space_id, body, like)
            touched += await self.db.run("UPDATE events SET result = $2 WHERE space_id = $1 AND result <> $2 "
                                         "AND result LIKE $3 ESCAPE '\\'", space_id, result, like)
        return touched
