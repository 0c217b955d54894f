"""The unit of work's statements for agree / disagree / pass votes on arguments (issue 18). Part of
`storage.uow.UnitOfWork` (kept apart for size); every statement written once, `$n` placeholders.

Votes are append-only, like positions: a member's latest row on an argument is their vote. An
endorsement is the agree vote, so the endorsements table holds exactly the current agrees: a vote
keeps it in step (agree adds the endorsement, anything else removes it) in the same transaction.
"""

from __future__ import annotations

from bot.domain import ArgumentVote
from storage.codec import from_ts


class VotesMixin:
    db: object
    _counts: dict[tuple[int, str], dict[str, int]]  # a member's rows, read along with the debate (uow.py)

    async def cast_vote(self, v: ArgumentVote) -> None:
        """Append the vote and keep the endorsement (the current agree) in step with it."""
        await self.db.run(
            "INSERT INTO argument_votes (space_id, debate_id, argument, member_id, member_name, vote, "
            "created_at) SELECT space_id, $1, $2, $3, $4, $5, $6 FROM debates WHERE id = $1",
            v.debate_id, v.argument, v.member_id, v.member_name, v.vote, v.created_at,
        )
        if (v.debate_id, v.member_id) in self._counts:
            self._counts[(v.debate_id, v.member_id)]["votes"] += 1
        if v.vote == "agree":
            await self.db.run(
                "INSERT INTO endorsements (space_id, debate_id, argument, member_id, member_name, "
                "created_at) SELECT space_id, $1, $2, $3, $4, $5 FROM debates WHERE id = $1 "
                "ON CONFLICT DO NOTHING",
                v.debate_id, v.argument, v.member_id, v.member_name, v.created_at,
            )
        else:
            await self.db.run(
                "DELETE FROM endorsements WHERE debate_id = $1 AND argument = $2 AND member_id = $3",
                v.debate_id, v.argument, v.member_id,
            )

    async def current_vote(self, debate_id: int, argument: int, member_id: str) -> str | None:
        """The member's vote on the argument now (None: never voted, or withdrew it)."""
        found = await self.db.value(
            "SELECT vote FROM argument_votes WHERE debate_id = $1 AND argument = $2 AND member_id = $3 "
            "ORDER BY id DESC LIMIT 1", debate_id, argument, member_id,
        )
        return None if found in (None, "withdrawn") else found

    async def votes(self, debate_id: int) -> list[ArgumentVote]:
        """Every vote cast in the debate, changes included, oldest first."""
        found = await self.db.all("SELECT * FROM argument_votes WHERE debate_id = $1 ORDER BY id", debate_id)
        return [ArgumentVote(r["debate_id"], r["argument"], r["member_id"], r["member_name"], r["vote"],
                             from_ts(r["created_at"])) for r in found]
