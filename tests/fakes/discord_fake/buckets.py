"""Route rate limits that count down, as Discord's do: each route (method + path template) with its major
parameter (channel, guild, webhook or interaction) has a bucket of `limit` requests per `window` seconds.
Every answer carries the bucket's X-RateLimit-* headers with what is left; the request after the last
one is answered 429 with `retry_after` until the window resets.

The default bucket is roomy (50 a second, the global limit), so a bot that follows the headers never
meets a 429 by accident; a test tightens one route with `FakeDiscord.route_limit(...)`."""

from __future__ import annotations

import fnmatch
import hashlib
import time
from dataclasses import dataclass

MAJOR_PARAMETERS = ("channel_id", "guild_id", "interaction_id", "token")
DEFAULT_LIMIT, DEFAULT_WINDOW = 50, 1.0


@dataclass
class Rule:
    method: str | None
    route: str  # a glob over the path template, e.g. /channels/{channel_id}/messages
    limit: int
    window: float


@dataclass
class Bucket:
    limit: int
    window: float
    remaining: int
    resets_at: float  # time.monotonic()

    def reset_after(self, now: float) -> float:
        return max(self.resets_at - now, 0.0)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    headers: dict[str, str]
    retry_after: float


class RouteLimits:
    def __init__(self) -> None:
        self.rules: list[Rule] = []
        self.buckets: dict[tuple[str, str], Bucket] = {}

    def set(self, method: str | None, route: str, limit: int, window: float) -> Rule:
        rule = Rule(method and method.upper(), route, limit, window)
        self.rules.insert(0, rule)  # the newest rule for a route wins
        return rule

    def _rule(self, method: str, route: str) -> tuple[int, float]:
        for rule in self.rules:
            if (rule.method is None or rule.method == method) and fnmatch.fnmatchcase(route, rule.route):
                return rule.limit, rule.window
        return DEFAULT_LIMIT, DEFAULT_WINDOW

    def take(self, method: str, route: str, params: dict[str, str]) -> Decision:
        """One request on `route` (its template) with these path parameters: counted, or refused."""
        key = f"{method} {route}"
        major = "/".join(params.get(p, "") for p in MAJOR_PARAMETERS if p in params)
        now = time.monotonic()
        bucket = self.buckets.get((key, major))
        if bucket is None or now >= bucket.resets_at:
            limit, window = self._rule(method, route)
            bucket = self.buckets[(key, major)] = Bucket(limit, window, limit, now + window)
        allowed = bucket.remaining > 0
        if allowed:
            bucket.remaining -= 1
        reset_after = bucket.reset_after(now)
        headers = {"X-RateLimit-Limit": str(bucket.limit), "X-RateLimit-Remaining": str(bucket.remaining),
                   "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
                   "X-RateLimit-Reset-After": f"{reset_after:.3f}",
                   "X-RateLimit-Bucket": hashlib.sha1(key.encode()).hexdigest()[:16]}
        return Decision(allowed, headers, reset_after)
