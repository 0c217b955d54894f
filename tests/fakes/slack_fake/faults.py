"""Fault injection: the next N calls to a Web API method get a 429, a 5xx, or an `ok: false` error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Fault:
    method: str  # "chat.postMessage"; "*" matches every method
    remaining: int
    status: int = 429
    retry_after: float = 1
    error: str | None = None  # with status 200: answer {"ok": false, "error": error}
    channel: str | None = None  # only calls naming this channel
    lose_answer: bool = False  # carry the call out, then drop the connection before answering

    def matches(self, method: str, channel: Any = None) -> bool:
        return (self.remaining > 0 and self.method in ("*", method)
                and self.channel in (None, channel))

    @property
    def name(self) -> str:
        return self.error or ("ratelimited" if self.status == 429 else f"http_{self.status}")

    def answer(self) -> tuple[int, dict[str, Any], dict[str, str]]:
        """(status, JSON body, headers) to send instead of the real answer."""
        if self.status == 429:
            # Slack sends whole seconds. slack_sdk's retry handlers do int(header): "0.5" raises ValueError
            # inside AsyncRateLimitErrorRetryHandler, so a fractional value is sent as-is only on request.
            value = self.retry_after
            header = str(int(value)) if float(value).is_integer() else str(value)
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": header}
        if self.status >= 500:
            return self.status, {"ok": False, "error": self.error or "internal_error"}, {}
        return self.status, {"ok": False, "error": self.error or "fatal_error"}, {}


class Faults:
    def __init__(self) -> None:
        self._rules: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        self._rules.append(fault)
        return fault

    def take(self, method: str, channel: Any = None) -> Fault | None:
        """The first armed rule for this method (and channel), consuming one of its shots."""
        for rule in self._rules:
            if rule.matches(method, channel):
                rule.remaining -= 1
                return rule
        return None

    def clear(self) -> None:
        self._rules.clear()

    @property
    def pending(self) -> list[Fault]:
        return [r for r in self._rules if r.remaining > 0]
