"""What every part of the fake shares: settings, the world, the recorder, faults, and the method toolkit
(`Params`, `SlackError`, `Method`) the Web API method modules are written with."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable

from .faults import Faults
from .model import World
from .rate_limits import RateLimits
from .traffic import Traffic


@dataclass
class Settings:
    bot_token: str = "xoxb-0000000001-0000000001-fakebottoken"
    app_token: str = "xapp-1-A0FAKE0001-0000000001-fakeapptoken"
    signing_secret: str = "8f14e45fceea167a5a36dedd4bea2543"  # the shape Slack issues: 32 hex digits
    verification_token: str = "fake-verification-token"  # the legacy `token` field in payloads
    ack_deadline: float = 3.0       # Slack's 3 s to ack a slash command / interaction / event
    trigger_ttl: float = 3.0        # views.open must use a trigger_id within 3 s
    disconnect_grace: float = 1.0   # after a disconnect message, how long the app may keep the old socket
    http_timeout: float = 10.0      # bound on a POST to the app in HTTP mode
    answer_delay: float = 0.0       # seconds between carrying out a Web API call and answering it
    retry_events_on_missed_ack: bool = False  # Socket Mode: resend an unacked event like Slack (up to 3x)
    # What the bot token was granted when the app was installed (a method needing another: missing_scope)
    scopes: frozenset[str] = frozenset({"commands", "chat:write", "chat:write.public", "channels:join",
                                        "reactions:read", "users:read", "files:write", "im:write",
                                        "channels:history", "groups:history", "im:history"})


class SlackError(Exception):
    """An ``{"ok": false, "error": ...}`` answer; `extra` fields go into the body (e.g. response_metadata)."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error, self.extra = error, extra

    def body(self) -> dict[str, Any]:
        return {"ok": False, "error": self.error, **self.extra}


def invalid_blocks(problems: list[str], error: str = "invalid_blocks") -> SlackError:
    return SlackError(error, errors=problems,
                      response_metadata={"messages": [f"[ERROR] {p}" for p in problems]})


class Params(dict):
    """A method's arguments (query + form or JSON) with Slack's coercions: JSON-in-a-string for
    structured fields sent form-encoded, "true"/"1" booleans, numeric strings."""

    def __init__(self, values: dict[str, Any]) -> None:
        super().__init__(values)
        self.warnings: list[str] = []  # recorded on the ApiCall, never sent (Slack logs them)

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.get(key)
        if value in (None, "") and required:
            raise SlackError("invalid_arguments",
                             response_metadata={"messages": [f"[ERROR] missing required field: {key}"]})
        return None if value is None else str(value)

    def structured(self, key: str, bad_error: str = "invalid_arguments") -> Any:
        """A JSON field: a list/dict in a JSON body, or a JSON string in a form body."""
        value = self.get(key)
        if isinstance(value, str):
            try:
                return json.loads(value) if value.strip() else None
            except json.JSONDecodeError:
                raise SlackError(bad_error) from None
        return value

    def flag(self, key: str) -> bool:
        value = self.get(key)
        return value is True or str(value).lower() in ("true", "1")

    def number(self, key: str, default: int) -> int:
        try:
            return int(self.get(key, default))
        except (TypeError, ValueError):
            raise SlackError("invalid_arguments") from None


@dataclass(frozen=True)
class Method:
    """A Web API method: its handler and which token it takes ("bot" for xoxb-, "app" for xapp-)."""

    handler: Callable[["State", Params], dict[str, Any]]
    token: str = "bot"
    scope: str | None = None  # the OAuth scope a bot token needs for it


@dataclass
class State:
    settings: Settings
    world: World = field(default_factory=World)
    traffic: Traffic = field(default_factory=Traffic)
    faults: Faults = field(default_factory=Faults)
    limits: RateLimits = field(default_factory=RateLimits)
    base_url: str = ""  # http://127.0.0.1:<port>, set when the server starts
    socket_url: Callable[[], str] = lambda: ""  # mints a Socket Mode URL (apps.connections.open)
