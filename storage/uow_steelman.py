"""The unit of work's statements for the steelman a language model wrote when a debate closed, kept as
posted so that exports carry it (bot/export/posted.py). Part of `storage.uow.UnitOfWork` (kept apart
only for size); the same rules hold: every statement written once, `$n` placeholders."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.summaries import StoredSteelman
from storage.codec import from_ts


class SteelmanStatements:
    db: Any

    async def store_steelman(self, space_id: int, debate_id: int, summary: StoredSteelman) -> None:
        sides = json.dumps({side: {"picks": digest, "points": list(points)}
                            for side, (digest, points) in summary.sides.items()}, ensure_ascii=False)
        await self.db.run(
            "INSERT INTO steelman_summaries (debate_id, space_id, model, sides, note, written_at) "
            "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (debate_id) DO UPDATE SET model = excluded.model, "
            "sides = excluded.sides, note = excluded.note, written_at = excluded.written_at",
            debate_id, space_id, summary.model, sides, summary.note, summary.written_at)

    async def stored_steelman(self, debate_id: int) -> StoredSteelman | None:
        row = await self.db.one("SELECT model, sides, note, written_at FROM steelman_summaries "
                                "WHERE debate_id = $1", debate_id)
        if row is None:
            return None
        sides = {side: (v["picks"], tuple(v["points"])) for side, v in json.loads(row["sides"]).items()}
        return StoredSteelman(row["model"], sides, row["note"], from_ts(row["written_at"]))
