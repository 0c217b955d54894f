"""Fault injection: the next N REST requests matching a route get a 429, a 5xx, a closed socket, or are
carried out and then lose their answer (the socket closes after the work: the outcome is unknown)."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

RATE_LIMIT, SERVER_ERROR, DISCONNECT, LOST_ANSWER = "rate_limit", "server_error", "disconnect", "lost_answer"


@dataclass
class Fault:
    kind: str
    method: str | None
    path: str  # glob relative to /api/v10, e.g. "/channels/*/messages"
    remaining: int
    retry_after: float = 0.05
    is_global: bool = False
    status: int = 500

    def matches(self, method: str, path: str) -> bool:
        return (self.remaining > 0 and (self.method is None or self.method == method)
                and fnmatch.fnmatchcase(path, self.path))


class Faults:
    def __init__(self) -> None:
        self._rules: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        fault.method = fault.method.upper() if fault.method else None
        self._rules.append(fault)
        return fault

    def take(self, method: str, path: str) -> Fault | None:
        """The first armed rule matching this request, consuming one of its shots."""
        for rule in self._rules:
            if rule.matches(method, path):
                rule.remaining -= 1
                return rule
        return None

    def clear(self) -> None:
        self._rules.clear()

    @property
    def pending(self) -> list[Fault]:
        return [r for r in self._rules if r.remaining > 0]
