"""Whether the bot can work in a channel before a debate starts there.

With chat:write.public the bot could post in a public channel without being in it, but Slack delivers
`reaction_added` (a :+1: endorsing an argument) and accepts ephemeral answers only in channels the app
is in. So a debate's channel is joined first; a private channel or a direct message the bot is not in
answers `channel_not_found`, and the moderator is told how to invite it.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger("steelman.slack")
INVITE = ("I cannot post in this channel: it is private or a direct message I am not in. Invite me "
          "with `/invite @Steelman` and start the debate again, or start it in a public channel.")
REFUSED = {
    "channel_not_found": INVITE,
    "is_archived": "This channel is archived, so I cannot post the debate here.",
    "missing_scope": "I need the `channels:join` scope to join this channel: reinstall the app from "
                     "`python -m bot slack manifest`, or invite me with `/invite @Steelman`.",
}
# A private channel or DM the bot can see is one it is in: joining is not possible, and not needed.
MEMBER_ALREADY = {"method_not_supported_for_channel_type"}


class Channels:
    def __init__(self, client: AsyncWebClient):
        self.client = client

    async def refusal(self, channel: str) -> str | None:
        """None when the bot is in `channel` (joining it if public); else what to tell the member."""
        try:  # every time: the bot may have been removed since the last debate here
            await self.client.conversations_join(channel=channel)
        except SlackApiError as exc:
            error = exc.response.get("error", "")
            if error not in MEMBER_ALREADY:
                log.info("cannot join %s: %s", channel, error)
                return REFUSED.get(error, f"I cannot post in this channel (Slack says `{error}`).")
        return None
