"""How positions moved: pre-vote, post-vote, who moved, what moved them, and the winner.

Pre-vote: each member's last position recorded during the pre-vote phase. Post-vote: each member's last
position when the post-vote closed (a position held since earlier still counts). The winner follows the
Intelligence Squared rule: the side whose share grew most between the two votes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.domain import Debate, Position, UNDECIDED


@dataclass(frozen=True)
class Move:
    member_name: str
    before: str
    after: str
    credited: int | None


@dataclass
class Results:
    pre: dict[str, int]  # side -> members
    post: dict[str, int]
    pre_total: int
    post_total: int
    moves: list[Move] = field(default_factory=list)
    credited: list[tuple[int, int]] = field(default_factory=list)  # (argument, members it moved), best first
    winner: str | None = None  # a side key, "tie", or None when there were no votes to compare
    gains: dict[str, float] = field(default_factory=dict)  # side -> share change in percentage points

    def share(self, side: str, when: str) -> float:
        counts, total = (self.pre, self.pre_total) if when == "pre" else (self.post, self.post_total)
        return 100.0 * counts.get(side, 0) / total if total else 0.0

    def whole_shares(self, sides: list[str], when: str) -> list[int]:
        """Shares in whole percent that add up to 100 (largest remainders get the rounding)."""
        exact = [self.share(side, when) for side in sides]
        if not any(exact):
            return [0] * len(sides)
        whole = [int(x) for x in exact]
        by_remainder = sorted(range(len(sides)), key=lambda i: (-(exact[i] - whole[i]), i))
        for i in by_remainder[: 100 - sum(whole)]:
            whole[i] += 1
        return whole

    @property
    def late(self) -> int:
        """Members who voted only after the pre-vote: counted in the post-vote share only."""
        return self.post_total - self.pre_total


def _last_by_member(positions: list[Position]) -> dict[str, Position]:
    last: dict[str, Position] = {}
    for p in sorted(positions, key=lambda p: p.seq):
        last[p.member_id] = p
    return last


def compute(debate: Debate, positions: list[Position]) -> Results:
    pre = _last_by_member([p for p in positions if p.phase == 0])
    post = _last_by_member(positions)
    keys = [*debate.side_keys, UNDECIDED]
    results = Results(
        pre={k: 0 for k in keys} | Counter(p.side for p in pre.values()),
        post={k: 0 for k in keys} | Counter(p.side for p in post.values()),
        pre_total=len(pre),
        post_total=len(post),
    )
    credited: Counter[int] = Counter()
    for member, before in pre.items():
        after = post[member]
        if after.side != before.side:
            mover = _credit_for_move(positions, member, before)
            results.moves.append(Move(after.member_name, before.side, after.side, mover))
            if mover is not None:
                credited[mover] += 1
    results.credited = sorted(credited.items(), key=lambda kv: (-kv[1], kv[0]))
    if results.pre_total and results.post_total:
        results.gains = {k: results.share(k, "post") - results.share(k, "pre") for k in debate.side_keys}
        best = max(results.gains.values())
        leaders = [k for k, g in results.gains.items() if abs(g - best) < 1e-9]
        results.winner = leaders[0] if len(leaders) == 1 else "tie"
    return results


def _credit_for_move(positions: list[Position], member: str, before: Position) -> int | None:
    """The argument most recently credited by the member since their pre-vote, if any."""
    later = [p for p in positions if p.member_id == member and p.seq > before.seq and p.credited]
    return later[-1].credited if later else None
