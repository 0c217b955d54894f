"""Keeping card edits under Slack's limit for chat.update (Tier 3: about 50 a minute per workspace).

The core keeps one pending edit per card, so a burst of votes is one edit; what is left is spacing the
edits out when votes keep coming: each card has a small burst of edits, then one every `CARD_EVERY`
seconds, and the whole workspace stays under `PER_MINUTE`. An edit over either waits in the outbox
(`RateLimited` with the seconds to wait), so the card shows the latest count a little later instead of
Slack refusing edits. A card's edit shares its debate's stream, so while it waits the thread waits too:
hence the burst, which a debate that is not being voted on hard never uses up.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime

CARD_BURST = 5  # edits of one card that go out at once
CARD_EVERY = 3.0  # then one every 3 seconds: a busy card alone stays at 20 a minute
PER_MINUTE = 45  # edits in any 60 seconds, under Tier 3's 50 with room for slack in the clocks


class RateLimited(Exception):
    """Retry this delivery after `retry_after` seconds (the outbox honours it)."""

    def __init__(self, retry_after: float, why: str):
        super().__init__(f"{why}; retry in {retry_after:.1f} s")
        self.retry_after = retry_after


class EditPacer:
    def __init__(self) -> None:
        self._tokens: dict[str, tuple[float, datetime]] = {}  # card ts -> (edits left, as of when)
        self._recent: deque[datetime] = deque()  # every edit of the last minute, oldest first

    def check(self, card: str, now: datetime) -> None:
        """Raise RateLimited if editing `card` now would go over; else count the edit."""
        while self._recent and (now - self._recent[0]).total_seconds() >= 60:
            self._recent.popleft()
        left, since = self._tokens.get(card, (CARD_BURST, now))
        left = min(CARD_BURST, left + max(0.0, (now - since).total_seconds()) / CARD_EVERY)
        if left < 1:
            raise RateLimited((1 - left) * CARD_EVERY, f"card {card} is being edited fast")
        if len(self._recent) >= PER_MINUTE:
            raise RateLimited(60 - (now - self._recent[0]).total_seconds(), "chat.update budget spent")
        self._tokens[card] = (left - 1, now)
        self._recent.append(now)
