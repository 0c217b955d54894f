"""Staying connected to Slack: refuse to start on a token Slack does not accept, and revive a dead socket.

slack_sdk retries a refused `apps.connections.open` forever, so a revoked app token would leave the
process running and deaf; the tokens are checked once before connecting, and a refusal is a ConfigError
(`python -m bot run` exits with status 2 and names the variable). The aiohttp Socket Mode client can also
wedge with a socket that is neither alive nor reconnected (python-slack-sdk#1110): the watchdog checks it
every few pings and forces a new connection when it has been down for `DOWN_CHECKS` checks in a row.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.platform import ConfigError

log = logging.getLogger("steelman.slack")
REFUSED_TOKEN = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
                 "not_allowed_token_type"}
DOWN_CHECKS = 3


async def check_tokens(client: AsyncWebClient, bot_env: str, app_token: str | None, app_env: str) -> None:
    await _check(client.auth_test(), bot_env, "bot token (xoxb-)")
    if app_token:  # Socket Mode: the app-level token opens the socket
        await _check(client.apps_connections_open(app_token=app_token), app_env,
                     "app-level token (xapp-, scope connections:write)")


async def _check(call: Any, env: str, what: str) -> None:
    try:
        await call
    except SlackApiError as exc:
        error = exc.response.get("error", "")
        if error in REFUSED_TOKEN:
            raise ConfigError(f"Slack refused the {what} in {env}: {error}. It may be mistyped, revoked, "
                              "or from another app; copy it again from api.slack.com/apps.") from exc
        raise


class Watchdog:
    def __init__(self, socket_client: Any, interval: float):
        self.client, self.interval = socket_client, max(interval, 0.05)
        self._task: asyncio.Task | None = None

    def start(self) -> Watchdog:
        self._task = asyncio.ensure_future(self._watch())
        return self

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def _watch(self) -> None:
        down = 0
        while not self.client.closed:
            await asyncio.sleep(self.interval * 2)
            down = 0 if await self.client.is_connected() else down + 1
            if down >= DOWN_CHECKS:
                log.warning("the Slack socket has been down for %d checks: reconnecting", down)
                down = 0
                try:
                    await self.client.connect_to_new_endpoint(force=True)
                except Exception:  # logged; the next checks try again
                    log.exception("reconnecting to Slack failed")
