"""The unit of work's statements for the ideological Turing test (entries and their ratings) and for
restatements of the arguments rebuttals answer. Part of `storage.uow.UnitOfWork` (kept apart only for
size); the same rules hold: every statement written once, `$n` placeholders, every row bound to a space.
"""

from __future__ import annotations

from typing import Any

from bot.domain import IttEntry, IttRating, Restatement
from storage.codec import from_ts


def _entry(r: Any) -> IttEntry:
    return IttEntry(r["debate_id"], r["number"], r["author_id"], r["author_name"], r["author_side"],
                    r["side"], r["text"], from_ts(r["created_at"]))


def _restatement(r: Any) -> Restatement:
    accepted = r["accepted"]
    return Restatement(r["debate_id"], r["rebuttal"], r["restates"], r["text"],
                       None if accepted is None else bool(accepted), from_ts(r["judged_at"]))


class IttStatements:
    db: Any

    async def add_itt_entry(self, e: IttEntry) -> IttEntry | None:
        """Assigns the debate's next entry number; None if the author already wrote one for that side."""
        row = await self.db.one(
            "INSERT INTO itt_entries (space_id, debate_id, number, author_id, author_name, author_side, "
            "side, text, created_at) SELECT d.space_id, d.id, COALESCE((SELECT MAX(number) FROM "
            "itt_entries WHERE debate_id = $1), 0) + 1, $2, $3, $4, $5, $6, $7 FROM debates d "
            "WHERE d.id = $1 ON CONFLICT DO NOTHING RETURNING number",
            e.debate_id, e.author_id, e.author_name, e.author_side, e.side, e.text, e.created_at,
        )
        return None if row is None else IttEntry(**{**e.__dict__, "number": row["number"]})

    async def itt_entry(self, debate_id: int, number: int) -> IttEntry | None:
        row = await self.db.one("SELECT * FROM itt_entries WHERE debate_id = $1 AND number = $2",
                                debate_id, number)
        return _entry(row) if row else None

    async def itt_entry_by(self, debate_id: int, author_id: str, side: str) -> IttEntry | None:
        row = await self.db.one("SELECT * FROM itt_entries WHERE debate_id = $1 AND author_id = $2 "
                                "AND side = $3", debate_id, author_id, side)
        return _entry(row) if row else None

    async def itt_entries(self, debate_id: int) -> list[IttEntry]:
        found = await self.db.all("SELECT * FROM itt_entries WHERE debate_id = $1 ORDER BY number", debate_id)
        return [_entry(r) for r in found]

    async def member_itt_entries(self, space_id: int, member_id: str) -> list[tuple[int, int]]:
        """(debate id, entry number) of every entry the member wrote in the space."""
        found = await self.db.all("SELECT debate_id, number FROM itt_entries WHERE space_id = $1 "
                                  "AND author_id = $2 ORDER BY id", space_id, member_id)
        return [(r[0], r[1]) for r in found]

    async def rate_itt(self, r: IttRating) -> None:
        await self.db.run(
            "INSERT INTO itt_ratings (space_id, debate_id, entry, member_id, member_name, member_side, "
            "passed, created_at) SELECT space_id, $1, $2, $3, $4, $5, $6, $7 FROM debates WHERE id = $1",
            r.debate_id, r.entry, r.member_id, r.member_name, r.member_side, int(r.passed), r.created_at,
        )

    async def itt_ratings(self, debate_id: int) -> list[IttRating]:
        """Oldest first."""
        found = await self.db.all("SELECT * FROM itt_ratings WHERE debate_id = $1 ORDER BY id", debate_id)
        return [IttRating(r["debate_id"], r["entry"], r["member_id"], r["member_name"], r["member_side"],
                          bool(r["passed"]), from_ts(r["created_at"])) for r in found]

    async def add_restatement(self, r: Restatement) -> None:
        await self.db.run(
            "INSERT INTO restatements (space_id, debate_id, rebuttal, restates, text) "
            "SELECT space_id, $1, $2, $3, $4 FROM debates WHERE id = $1",
            r.debate_id, r.rebuttal, r.restates, r.text,
        )

    async def restatement(self, debate_id: int, rebuttal: int) -> Restatement | None:
        row = await self.db.one("SELECT * FROM restatements WHERE debate_id = $1 AND rebuttal = $2",
                                debate_id, rebuttal)
        return _restatement(row) if row else None

    async def restatements(self, debate_id: int) -> list[Restatement]:
        found = await self.db.all("SELECT * FROM restatements WHERE debate_id = $1 ORDER BY rebuttal",
                                  debate_id)
        return [_restatement(r) for r in found]

    async def judge_restatement(self, debate_id: int, rebuttal: int, accepted: bool, at: Any) -> None:
        await self.db.run("UPDATE restatements SET accepted = $3, judged_at = $4 WHERE debate_id = $1 "
                          "AND rebuttal = $2", debate_id, rebuttal, int(accepted), at)
