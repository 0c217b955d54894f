"""Answering a member: through the request's response_url, else privately with chat.postEphemeral.

slack_sdk does not raise when a response_url refuses a post (it returns the `WebhookResponse`), so each
answer's status is read here: a member always gets the answer, or an apology when even that fails.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import messages
from bot.platform import Message, Reply

log = logging.getLogger("steelman.slack")
APOLOGY = Reply(Message("Sorry, something went wrong on my side and I could not answer that. If it was a "
                        "vote or an argument, check the debate's card before trying again.", kind="error"),
                ephemeral=True)


class Answers:
    def __init__(self, client: AsyncWebClient):
        self.client = client

    async def send(self, respond: Any, reply: Reply, *, channel: str, user: str,
                   thread: str | None) -> None:
        """Post `reply` where the member asked: in the thread it came from (a response_url does not
        thread by itself), publicly unless the reply is private or an error."""
        public = not (reply.ephemeral or reply.message.kind == "error")
        for part in messages(reply.message):
            where = {"thread_ts": thread} if thread else {}
            answered = await self._respond(respond, part, public, where)
            if not answered:
                await self.ephemeral(channel, user, thread, part)

    async def _respond(self, respond: Any, part: dict[str, Any], public: bool,
                       where: dict[str, str]) -> bool:
        if respond is None or getattr(respond, "response_url", None) is None:
            return False
        try:
            sent = await respond(response_type="in_channel" if public else "ephemeral",
                                 replace_original=False, **where, **part)
        except Exception as exc:  # the network, or a response_url that is gone
            log.warning("response_url post failed: %r", exc)
            return False
        if sent.status_code != 200:
            log.warning("response_url refused the answer: %s %s", sent.status_code, sent.body)
        return sent.status_code == 200

    async def ephemeral(self, channel: str, user: str, thread: str | None, part: dict[str, Any]) -> None:
        try:
            await self.client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread, **part)
        except SlackApiError as exc:
            log.error("could not answer %s in %s: %s", user, channel, exc.response.get("error", ""))

    async def apologise(self, body: dict[str, Any], respond: Any, error: Exception) -> None:
        """Bolt's error handler: a listener failed after its ack, so the member hears nothing unless
        this says so."""
        log.error("Slack request failed after its ack: %r", error, exc_info=error)
        user = (body.get("user") or {}).get("id") or body.get("user_id") or ""
        channel = (body.get("channel") or {}).get("id") or body.get("channel_id") or _form_channel(body)
        if (body.get("type") or body.get("command")) and user:
            await self.send(respond, APOLOGY, channel=channel, user=user, thread=None)


def _form_channel(body: dict[str, Any]) -> str:
    """A modal remembers where it was opened (adapters/slack/modal.py)."""
    try:
        return json.loads((body.get("view") or {}).get("private_metadata") or "{}").get("channel", "")
    except (ValueError, AttributeError):
        return ""
