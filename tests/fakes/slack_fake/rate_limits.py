"""Slack's rate limits on the two methods a bot leans on, enforced like Slack: a 429 with Retry-After.

chat.update is Tier 3 (about 50 a minute per workspace; modelled as 50 in any 60 seconds).
chat.postMessage allows about one message a second per channel, tolerating short bursts (modelled as a
bucket of `POST_BURST` refilled one a second). Both on the wall clock, unless a test hands the fake the
clock the bot runs on (tests/slack_support.py), so that a retry after Retry-After is judged in its time.
"""

from __future__ import annotations

import math
import time
from collections import deque

TIER3_PER_MINUTE = 50
POST_BURST = 10


class RateLimits:
    def __init__(self, clock=time.monotonic) -> None:
        self.clock = clock
        self._updates: deque[float] = deque()
        self._posts: dict[str, tuple[float, float]] = {}  # channel -> (tokens, as of)

    def retry_after(self, method: str, channel: str | None) -> int | None:
        """Seconds to wait if this call goes over (whole seconds, as Slack sends them), else None."""
        now = self.clock()
        if method == "chat.update":
            while self._updates and now - self._updates[0] >= 60:
                self._updates.popleft()
            if len(self._updates) >= TIER3_PER_MINUTE:
                return max(1, math.ceil(60 - (now - self._updates[0])))
            self._updates.append(now)
        elif method == "chat.postMessage" and channel:
            tokens, since = self._posts.get(channel, (POST_BURST, now))
            tokens = min(POST_BURST, tokens + (now - since))
            if tokens < 1:
                return max(1, math.ceil(1 - tokens))
            self._posts[channel] = (tokens - 1, now)
        return None
