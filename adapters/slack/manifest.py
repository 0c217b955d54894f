"""The Slack app manifest, generated from the catalog: creating the app is a paste."""

from __future__ import annotations

from typing import Any

from bot.platform import CATALOG, Settings

BOT_SCOPES = [
    "commands",  # the slash commands
    "chat:write",  # post cards, arguments, announcements and results
    "chat:write.public",  # post in a public channel even if the bot was removed from it mid-debate
    "channels:join",  # join a debate's public channel: reactions and ephemerals need the app in it
    "reactions:read",  # a :+1: on an argument endorses it
    "users:read",  # names, and whether a member is a workspace admin or owner (moderator)
    "files:write",  # charts and exports attached to a debate's messages
    "im:write",  # open a direct message with a member (a reminder, an export, why a schedule paused)
    # a retried delivery first looks for what an earlier attempt posted (public and private channels,
    # direct messages)
    "channels:history",
    "groups:history",
    "im:history",
]
BOT_EVENTS = ["reaction_added", "reaction_removed"]
# Slack keeps some names for its own built-in commands (/remind sets a Slack reminder): ours go by another.
SLACK_NAMES = {"remind": "debate-remind"}
OUR_NAMES = {f"/{slack}": f"/{ours}" for ours, slack in SLACK_NAMES.items()}


def slack_name(group: str) -> str:
    """The slash command a catalog group is registered as on Slack, e.g. `/debate-remind` for /remind."""
    return f"/{SLACK_NAMES.get(group, group)}"


def _commands(url: str | None) -> list[dict[str, Any]]:
    grouped: dict[str, list] = {}
    for command in CATALOG:
        if not command.button_only:  # reached by its buttons (and text), not a slash command of its own
            grouped.setdefault(command.path[0], []).append(command)
    out = []
    for name, members in grouped.items():
        if len(members) == 1:
            description, hint = members[0].description, " ".join(members[0].usage.split()[1:])
        else:
            description = "Debates: " + ", ".join(c.path[1] for c in members)
            hint = "|".join(c.path[1] for c in members) + " [options]"
        entry = {"command": slack_name(name), "description": description[:100], "usage_hint": hint[:1000],
                 "should_escape": False}
        if url:
            entry["url"] = url
        out.append(entry)
    return out


def manifest(settings: Settings, request_url: str | None = None) -> dict[str, Any]:
    socket = settings.slack.mode == "socket"
    url = None if socket else (request_url or "https://YOUR-HOST/slack/events")
    settings_block: dict[str, Any] = {
        "event_subscriptions": {"bot_events": BOT_EVENTS},
        "interactivity": {"is_enabled": True},
        "org_deploy_enabled": False,
        "socket_mode_enabled": socket,
        "token_rotation_enabled": False,
    }
    if url:
        settings_block["event_subscriptions"]["request_url"] = url
        settings_block["interactivity"]["request_url"] = url
    return {
        "display_information": {"name": "Steelman", "description": "Structured debates with steelman summaries",
                                "background_color": "#1e293b"},
        "features": {"bot_user": {"display_name": "Steelman", "always_online": True},
                     "slash_commands": _commands(url)},
        "oauth_config": {"scopes": {"bot": BOT_SCOPES}},
        "settings": settings_block,
    }
