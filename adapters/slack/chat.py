"""Outbound to Slack: post or update what the outbox holds; a card's `ts` becomes its debate's thread.

Files go through Slack's external upload flow (files.getUploadURLExternal, the upload, then
files.completeUploadExternal sharing them where the message went), as slack_sdk's files_upload_v2 does.
Slack threads cannot be closed: closing a debate's thread is its closing notice posted there, and the
card (updated by the core) reading "closed" without its buttons.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import messages
from bot.platform import OutboxItem, PermanentDeliveryError, Receipt

log = logging.getLogger("steelman.slack")

# Errors that no retry can mend: the channel is gone or closed to the bot, or the message itself is refused.
PERMANENT = {"channel_not_found", "method_not_supported_for_channel_type", "not_in_channel", "is_archived", "message_not_found", "cant_update_message", "invalid_blocks",
             "msg_too_long", "no_text", "restricted_action", "account_inactive", "invalid_auth", "not_authed"}


class SlackChat:
    def __init__(self, client: AsyncWebClient):
        self.client = client

    async def deliver(self, item: OutboxItem) -> Receipt:
        try:
            return await self._send(item)
        except SlackApiError as exc:
            error = exc.response.get("error", "")
            if error == "not_in_channel":  # a public channel the bot was not invited to: join it, once
                try:
                    await self.client.conversations_join(channel=item.out.channel_id)
                except SlackApiError as join_exc:  # private, archived, or not allowed: no retry will help
                    join_error = join_exc.response.get("error", "")
                    raise PermanentDeliveryError(f"Slack refused to join {item.out.channel_id}: {join_error} "
                                                 "(invite the bot to the channel)") from join_exc
                return await self._deliver_refusing(item)
            if error in PERMANENT:
                raise PermanentDeliveryError(f"Slack refused it: {error}") from exc
            raise

    async def _deliver_refusing(self, item: OutboxItem) -> Receipt:
        try:
            return await self._send(item)
        except SlackApiError as exc:
            error = exc.response.get("error", "")
            if error in PERMANENT:
                raise PermanentDeliveryError(f"Slack refused it: {error}") from exc
            raise

    async def _send(self, item: OutboxItem) -> Receipt:
        parts = messages(item.out.message)
        channel = item.out.channel_id
        if item.edit_message_id:
            await self.client.chat_update(channel=channel, ts=item.edit_message_id, **parts[0])
            return Receipt(item.edit_message_id)
        thread_ts = item.thread_id if item.out.in_thread else None
        first_ts = None
        for part in parts:
            sent = await self.client.chat_postMessage(channel=channel, thread_ts=thread_ts, unfurl_links=False,
                                                      unfurl_media=False, **part)
            first_ts = first_ts or sent["ts"]
        if item.out.message.files:
            await self._upload(item, channel, thread_ts)
        # A card's thread is the card itself: replies to it (thread_ts = its ts) form the debate's thread.
        return Receipt(first_ts, first_ts if item.out.open_thread else None)

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

