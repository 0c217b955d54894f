"""What the bot must be allowed in a channel to run a debate there, checked before one starts, and the
words for a refusal that comes later anyway (Discord's codes as a moderator can act on them).

The interaction carries the bot's own permissions in that channel (`app_permissions`), so the check
costs no request and sees the channel's overwrites as Discord computed them.
"""

from __future__ import annotations

from typing import Any

import discord

# (discord.py's attribute, the name Discord's settings show), in the order a moderator would grant them.
NEEDED = (("view_channel", "View Channel"), ("send_messages", "Send Messages"),
          ("embed_links", "Embed Links"), ("create_public_threads", "Create Public Threads"),
          ("send_messages_in_threads", "Send Messages in Threads"),
          ("read_message_history", "Read Message History"), ("attach_files", "Attach Files"))
TEXT_CHANNELS = (discord.ChannelType.text, discord.ChannelType.news)
THREADS = (discord.ChannelType.public_thread, discord.ChannelType.private_thread,
           discord.ChannelType.news_thread)


def missing(granted: discord.Permissions) -> list[str]:
    return [shown for attr, shown in NEEDED if not getattr(granted, attr)]


def start_refusal(interaction: discord.Interaction) -> str | None:
    """Why a debate cannot start where this interaction came from; None when it can."""
    channel = interaction.channel
    kind = getattr(channel, "type", None)
    if kind is not None and kind not in TEXT_CHANNELS + THREADS:
        return ("Debates need a text channel: Discord opens no threads in a voice or stage channel's "
                "chat. Start it in a text channel.")
    lacking = missing(interaction.app_permissions)
    if not lacking:
        return None
    names = ", ".join(lacking)
    return (f"I can't run a debate in this channel: I am missing {names}. A server admin can grant "
            "it to Steelman in this channel's settings (Edit Channel, Permissions), then start again.")


REASONS = {160006: "this server has reached Discord's limit of active threads",
           50024: "Discord opens no threads in this kind of channel",
           50013: "I am missing a permission in this channel",
           50001: "I cannot see this channel",
           10003: "the channel no longer exists"}


def reason_of(exc: BaseException) -> str:
    """A refusal from Discord in words: its code when known, else what it said."""
    cause: Any = exc.__cause__
    code = getattr(cause, "code", None)
    return REASONS.get(code) or str(getattr(cause, "text", "") or exc)
