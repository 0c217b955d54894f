"""HTTP mode: the fake POSTs signed requests to the app's Request URL, as Slack does.

Signature: ``v0=`` + HMAC-SHA256(signing_secret, ``v0:{timestamp}:{body}``) in `X-Slack-Signature`, with
`X-Slack-Request-Timestamp`. Apps must reject a bad signature or a timestamp older than 5 minutes (401)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

import aiohttp

from .traffic import Delivery

STALE_SECONDS = 6 * 60  # beyond the 5-minute replay window every Slack SDK enforces


def sign(secret: str, timestamp: str, body: str) -> str:
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return f"v0={digest}"


class HttpDelivery:
    def __init__(self, signing_secret: str, timeout: float) -> None:
        self.signing_secret = signing_secret
        self.timeout = timeout
        self.app_url: str | None = None
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        # trust_env=False: a proxy from the environment must never see loopback test traffic
        self._session = aiohttp.ClientSession(trust_env=False,
                                              timeout=aiohttp.ClientTimeout(total=self.timeout))

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    @staticmethod
    def form_body(delivery: Delivery) -> tuple[str, str]:
        """(body, content type) for a delivery, encoded the way Slack encodes that kind."""
        if delivery.kind == "slash_commands":
            return urlencode(delivery.payload), "application/x-www-form-urlencoded"
        if delivery.kind == "interactive":
            return urlencode({"payload": json.dumps(delivery.payload)}), "application/x-www-form-urlencoded"
        return json.dumps(delivery.payload), "application/json"

    def headers(self, body: str, *, bad_signature: bool = False, stale_timestamp: bool = False,
                retry_num: int | None = None, retry_reason: str | None = None) -> dict[str, str]:
        timestamp = str(int(time.time()) - (STALE_SECONDS if stale_timestamp else 0))
        signature = sign("not-the-" + self.signing_secret if bad_signature else self.signing_secret,
                         timestamp, body)
        headers = {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature,
                   "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)"}
        if retry_num:  # HTTP mode sends the retry headers only on retries
            headers.update({"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason or ""})
        return headers

    async def send(self, delivery: Delivery, **header_options: Any) -> Delivery:
        """POST the delivery and record the app's answer as its ack (status, body, headers)."""
        if self.app_url is None or self._session is None:
            raise RuntimeError("HTTP mode needs fake.app_url (the app's Request URL) and a started fake")
        body, content_type = self.form_body(delivery)
        headers = {**self.headers(body, **header_options), "Content-Type": content_type}
        delivery.sent_at.append(time.monotonic())
        try:
            async with self._session.post(self.app_url, data=body.encode(), headers=headers) as response:
                text = await response.text()
                delivery.record_ack(status=response.status, body=text, headers=dict(response.headers))
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            delivery.error, delivery.missed = repr(error), True
        return delivery
