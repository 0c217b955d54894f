"""Outbound to Slack: post or update what the outbox holds; a card's `ts` becomes its debate's thread.

Files go through Slack's external upload flow (files.getUploadURLExternal, the upload, then
files.completeUploadExternal sharing them where the message went), as slack_sdk's files_upload_v2 does.
Slack threads cannot be closed: closing a debate's thread is its closing notice posted there, and the
card (updated by the core) reading "closed" without its buttons.

A delivery whose first attempt's outcome is unknown (a crash or a lost answer after sending) is not posted
twice: every part carries its delivery key in the message's metadata, and before a retried delivery
posts a part it looks for that key in the channel's history or the thread's replies (channels:history,
groups:history, and im:history for a direct message); a part already there is taken as sent.

A 429 is not waited out here: it becomes `RateLimited`, and the outbox retries after Slack's Retry-After
while every other stream (another channel, another platform) goes on. Only the later parts of a message
split in several wait inline, since retrying the delivery would post its first part again.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import messages
from adapters.slack.pacing import EditPacer, RateLimited
from bot.platform import OutboxItem, PermanentDeliveryError, Receipt

log = logging.getLogger("steelman.slack")

# Errors that no retry can mend: the channel is gone or closed to the bot, or the message is refused.
PERMANENT = {"channel_not_found", "method_not_supported_for_channel_type", "not_in_channel", "is_archived",
             "message_not_found", "cant_update_message", "invalid_blocks", "msg_too_long", "no_text",
             "restricted_action", "account_inactive", "invalid_auth", "not_authed"}
# A direct message that cannot reach its member: refused for good, that message alone.
DIRECT_REFUSED = {"user_not_found", "user_disabled", "cannot_dm_bot", "missing_scope", "channel_not_found",
                  "not_allowed_token_type", "is_archived"}
INLINE_WAIT = 5.0  # the longest a message's later part waits for Slack's rate limit in the delivery
DELIVERY = "steelman_delivery"  # the metadata event type that carries a message's delivery key
LOOKUP_PAGE, LOOKUP_PAGES = 200, 10  # how far back a retried delivery looks for its parts


class PartlyPosted(Exception):
    """A message's first parts are out and a later one could not follow."""


def retry_after(exc: SlackApiError) -> float:
    try:
        return float(exc.response.headers.get("Retry-After", 1))
    except (TypeError, ValueError):
        return 1.0


class SlackChat:
    def __init__(self, client: AsyncWebClient, clock: Any):
        self.client, self.clock = client, clock
        self.pacer = EditPacer()
        self.ims: dict[str, str] = {}  # member id -> the DM channel conversations.open gave

    async def deliver(self, item: OutboxItem) -> Receipt:
        direct = item.out.direct_to
        try:
            if direct:
                return await self._send(item, await self._im(direct))
            return await self._send(item, item.out.channel_id)
        except SlackApiError as exc:
            error = exc.response.get("error", "")
            if exc.response.status_code == 429 or error == "ratelimited":
                raise RateLimited(retry_after(exc), f"Slack rate-limited {item.out.channel_id}") from exc
            if error in PERMANENT or (direct and error in DIRECT_REFUSED):
                to = f" a direct message to {direct}" if direct else " it"
                raise PermanentDeliveryError(f"Slack refused{to}: {error}") from exc
            raise

    async def _im(self, member: str) -> str:
        """The DM channel with a member (conversations.open, which needs im:write), opened once."""
        if member not in self.ims:
            opened = await self.client.conversations_open(users=member)
            self.ims[member] = opened["channel"]["id"]
        return self.ims[member]

    async def _send(self, item: OutboxItem, channel: str) -> Receipt:
        parts = messages(item.out.message)
        if item.edit_message_id:
            self.pacer.check(item.edit_message_id, self.clock.now())
            await self.client.chat_update(channel=channel, ts=item.edit_message_id, parse="none",
                                          **parts[0])
            return Receipt(item.edit_message_id)
        thread_ts = item.thread_id if item.out.in_thread and not item.out.direct_to else None
        keys = [item.key(i) for i in range(len(parts))]
        already = await self._already_posted(channel, thread_ts, set(keys)) if item.retried else {}
        first_ts, posted = None, False
        for key, part in zip(keys, parts):
            ts = already.get(key)
            if ts is None:
                post = dict(channel=channel, thread_ts=thread_ts, unfurl_links=False, unfurl_media=False,
                            parse="none", metadata={"event_type": DELIVERY, "event_payload": {"key": key}},
                            **part)
                ts = (await (self._post_more(post) if first_ts else self.client.chat_postMessage(**post)))["ts"]
                posted = True
            first_ts = first_ts or ts
        if item.out.message.files and posted:  # files go with the message's post, not without it
            await self._upload(item, channel, thread_ts)
        # A card's thread is the card itself: replies to it (thread_ts = its ts) form the debate's thread.
        return Receipt(first_ts, first_ts if item.out.open_thread else None)

    async def _already_posted(self, channel: str, thread_ts: str | None, keys: set[str]) -> dict[str, str]:
        """The parts of this delivery that an earlier attempt posted, by key: their ts. Searched in the
        thread's replies (oldest first) or the channel's latest messages, within LOOKUP_PAGES pages."""
        found: dict[str, str] = {}
        cursor = None
        try:
            for _ in range(LOOKUP_PAGES):
                read = dict(channel=channel, include_all_metadata=True, limit=LOOKUP_PAGE, cursor=cursor)
                page = await (self.client.conversations_replies(ts=thread_ts, **read) if thread_ts
                              else self.client.conversations_history(**read))
                for message in page.get("messages") or []:
                    metadata = message.get("metadata") or {}
                    key = (metadata.get("event_payload") or {}).get("key")
                    if metadata.get("event_type") == DELIVERY and key in keys:
                        found[key] = message["ts"]
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if len(found) == len(keys) or not cursor:
                    break
        except SlackApiError as exc:
            if exc.response.get("error") != "missing_scope":
                raise
            # Installed before the history scopes: posting again risks a repeat, never posting loses it
            log.warning("cannot check %s for an earlier attempt (missing scope %s): posting again",
                        channel, exc.response.get("needed"))
        return found

    async def _post_more(self, post: dict[str, Any]) -> Any:
        """A later part of a message already partly posted: wait for Slack rather than repeat the rest."""
        for _ in range(3):
            try:
                return await self.client.chat_postMessage(**post)
            except SlackApiError as exc:
                if exc.response.status_code != 429:
                    raise
                await asyncio.sleep(min(INLINE_WAIT, retry_after(exc)))
        try:
            return await self.client.chat_postMessage(**post)
        except SlackApiError as exc:
            if exc.response.status_code != 429:
                raise
            # Not a refusal of the delivery (its first part is out): retried, it looks for what is there
            raise PartlyPosted(f"a later part to {post['channel']} was rate-limited") from exc

    async def _upload(self, item: OutboxItem, channel: str, thread_ts: str | None) -> None:
        """Share the message's files beside it. The message is already out, so a refusal (an app
        installed without files:write) is logged rather than retried, which would post it again."""
        uploads = [{"content": f.data, "filename": f.name, "title": f.name}
                   for f in item.out.message.files]
        try:
            await self.client.files_upload_v2(file_uploads=uploads, channel=channel,
                                              thread_ts=thread_ts)
        except SlackApiError as exc:
            log.error("files of message %s not shared in %s: %s", item.id, channel,
                      exc.response.get("error", ""))
