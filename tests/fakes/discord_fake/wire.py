"""HTTP plumbing shared by the REST routes: Discord-shaped errors, JSON responses and request bodies.

discord.py compares the response Content-Type to exactly ``application/json``; aiohttp's json_response
(and ``web.Response(text=..., content_type=...)``) append ``; charset=utf-8``, which makes discord.py treat
the body as text and fail at login. So responses are built from bytes with the bare content type.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web


class DiscordError(Exception):
    """Raised by any handler; the API middleware turns it into Discord's JSON error body."""

    def __init__(self, status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status, self.code, self.message, self.errors = status, code, message, errors

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            data["errors"] = self.errors
        return data


def unauthorized() -> DiscordError:
    return DiscordError(401, 0, "401: Unauthorized")


def not_found(code: int, what: str) -> DiscordError:
    return DiscordError(404, code, f"Unknown {what}")


def missing_permissions() -> DiscordError:
    return DiscordError(403, 50013, "Missing Permissions")


UNKNOWN_CHANNEL, UNKNOWN_MESSAGE, UNKNOWN_WEBHOOK, UNKNOWN_INTERACTION = 10003, 10008, 10015, 10062


def json_body(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(status=status, body=json.dumps(data).encode(), content_type="application/json",
                        headers=headers)


def no_content() -> web.Response:
    return web.Response(status=204)


def bucket_headers(bucket_key: str, *, remaining: int = 49, reset_after: float = 1.0) -> dict[str, str]:
    """X-RateLimit-* headers. Successful calls advertise a roomy bucket so discord.py never pre-emptively
    waits; a stable per-route hash lets it learn buckets the way it does against Discord."""
    digest = hashlib.sha1(bucket_key.encode()).hexdigest()[:16]
    return {"X-RateLimit-Limit": "50", "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}", "X-RateLimit-Bucket": digest}


def rate_limited(bucket_key: str, retry_after: float, is_global: bool) -> web.Response:
    """A 429 as Discord sends it. `Via` matters: discord.py treats a 429 without it as a Cloudflare ban
    and raises instead of retrying."""
    headers = bucket_headers(bucket_key, remaining=0, reset_after=retry_after)
    headers.update({"Retry-After": str(max(1, round(retry_after))), "Via": "1.1 google",
                    "X-RateLimit-Scope": "global" if is_global else "user"})
    if is_global:
        headers["X-RateLimit-Global"] = "true"
    body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": is_global}
    return json_body(body, 429, headers)


@dataclass
class UploadedFile:
    field: str
    filename: str
    size: int
    content_type: str | None


BODY_KEY: web.RequestKey[tuple[Any, list[UploadedFile]]] = web.RequestKey("fake_discord.body", tuple)


async def read_body(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    """JSON body, or multipart with `payload_json` plus files (how discord.py sends attachments).
    Parsed once (the recorder needs it too) and cached on the request."""
    if BODY_KEY not in request:
        request[BODY_KEY] = await _parse_body(request)
    return request[BODY_KEY]


async def _parse_body(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    if request.content_type == "multipart/form-data":
        payload, files = None, []
        reader = await request.multipart()
        async for part in reader:
            data = await part.read()  # type: ignore[union-attr]
            if part.name == "payload_json":  # type: ignore[union-attr]
                payload = json.loads(data.decode())
            else:
                files.append(UploadedFile(part.name or "", part.filename or "", len(data),  # type: ignore
                                          part.headers.get("Content-Type")))
        return payload, files
    if not request.can_read_body:
        return None, []
    raw = await request.read()
    if not raw:
        return None, []
    try:
        return json.loads(raw), []
    except ValueError as exc:
        raise DiscordError(400, 50109, "The request body contains invalid JSON.") from exc


def snowflake_arg(request: web.Request, name: str) -> int:
    value = request.match_info[name]
    if not value.isdigit():
        raise DiscordError(400, 50035, "Invalid Form Body",
                           {name: {"_errors": [{"code": "NUMBER_TYPE_COERCE",
                                                "message": f'Value "{value}" is not snowflake.'}]}})
    return int(value)
