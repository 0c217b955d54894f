"""The OAuth2 invite link, with exactly the permissions the bot uses.

Manage Threads is not asked: it is optional (with it, a closed debate's thread is locked as well as
archived), and a server may grant it to the bot's role if it wants that.
"""

from __future__ import annotations

import base64

import discord


def permissions() -> discord.Permissions:
    return discord.Permissions(
        view_channel=True,  # see the channels where debates run
        send_messages=True,  # post the debate card
        embed_links=True,  # cards, arguments and results are embeds
        attach_files=True,  # charts and exports are attachments
        create_public_threads=True,  # each debate gets a thread
        send_messages_in_threads=True,  # round announcements, arguments and results go to the thread
        read_message_history=True,  # edit the card and follow reactions on older arguments
    )


def application_id_from_token(token: str) -> int:
    """A bot token starts with the base64 of the bot's user id, which is the application id."""
    head = token.split(".", 1)[0]
    return int(base64.b64decode(head + "=" * (-len(head) % 4)).decode())


def invite_url(application_id: int) -> str:
    return discord.utils.oauth_url(application_id, permissions=permissions(),
                                   scopes=("bot", "applications.commands"))
