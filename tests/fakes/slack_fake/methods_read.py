"""auth.test, users.info and conversations.*: who the app is, who members are, and reading channels."""

from __future__ import annotations

from typing import Any

from .methods_chat import require_channel
from .model import BOT_ID, BOT_USER_ID, Message
from .state import Method, Params, SlackError, State


def auth_test(state: State, p: Params) -> dict[str, Any]:
    world = state.world
    return {"ok": True, "url": f"https://{world.team_domain}.slack.com/", "team": "Fake Community",
            "user": world.users[BOT_USER_ID].name, "team_id": world.team_id, "user_id": BOT_USER_ID,
            "bot_id": BOT_ID, "is_enterprise_install": False}


def users_info(state: State, p: Params) -> dict[str, Any]:
    user = state.world.users.get(p.text("user", required=True) or "")
    if user is None:
        raise SlackError("user_not_found")
    return {"ok": True, "user": user.to_api()}


def conversations_info(state: State, p: Params) -> dict[str, Any]:
    channel = require_channel(state.world, p.text("channel", required=True), member=False)
    return {"ok": True, "channel": channel.to_api()}


def conversations_join(state: State, p: Params) -> dict[str, Any]:
    channel = require_channel(state.world, p.text("channel", required=True), member=False)
    if channel.is_private or channel.is_im:
        raise SlackError("method_not_supported_for_channel_type")
    if channel.is_archived:
        raise SlackError("is_archived")
    already = channel.is_member
    channel.is_member = True
    channel.members.add(BOT_USER_ID)
    answer: dict[str, Any] = {"ok": True, "channel": channel.to_api()}
    if already:
        answer["warning"] = "already_in_channel"
        answer["response_metadata"] = {"warnings": ["already_in_channel"]}
    return answer


def _in_window(message: Message, p: Params) -> bool:
    """The oldest / latest / inclusive filters of history and replies (ts strings compare as floats)."""
    inclusive = p.flag("inclusive")
    ts = float(message.ts)
    if p.get("oldest") not in (None, ""):
        oldest = float(p["oldest"])
        if ts < oldest or (ts == oldest and not inclusive):
            return False
    if p.get("latest") not in (None, ""):
        latest = float(p["latest"])
        if ts > latest or (ts == latest and not inclusive):
            return False
    return True


def require_history_scope(state: State, channel: Any) -> None:
    """Reading a conversation needs the history scope of its type (channels:, groups:, im: history)."""
    needed = "im:history" if channel.is_im else "groups:history" if channel.is_private else "channels:history"
    if needed not in state.settings.scopes:
        raise SlackError("missing_scope", needed=needed, provided=",".join(sorted(state.settings.scopes)))


def _page(messages: list[Message], p: Params, default_limit: int) -> dict[str, Any]:
    """Cursor pagination: the cursor is the offset of the next page, as Slack's is opaque to clients."""
    limit = max(1, min(p.number("limit", default_limit), 1000))
    cursor = p.text("cursor") or ""
    try:
        start = int(cursor.removeprefix("offset:")) if cursor else 0
    except ValueError:
        raise SlackError("invalid_cursor") from None
    page = messages[start:start + limit]
    has_more = start + limit < len(messages)
    metadata = p.flag("include_all_metadata")  # without it, Slack leaves messages' metadata out
    return {"ok": True, "messages": [m.to_api(metadata) for m in page], "has_more": has_more,
            "response_metadata": {"next_cursor": f"offset:{start + limit}" if has_more else ""}}


def conversations_history(state: State, p: Params) -> dict[str, Any]:
    channel = require_channel(state.world, p.text("channel", required=True))
    require_history_scope(state, channel)
    newest_first = [m for m in reversed(channel.top_level()) if _in_window(m, p)]
    return {**_page(newest_first, p, 100), "pin_count": 0}


def conversations_replies(state: State, p: Params) -> dict[str, Any]:
    channel = require_channel(state.world, p.text("channel", required=True))
    require_history_scope(state, channel)
    message = channel.find(p.text("ts", required=True) or "")
    if message is None:
        raise SlackError("thread_not_found")
    root_ts = message.thread_ts or message.ts  # a reply's ts finds its whole thread, like Slack
    thread = channel.thread(root_ts)
    root, replies = thread[:1], [m for m in thread[1:] if _in_window(m, p)]
    return _page(root + replies, p, 1000)


MAX_OPEN_USERS = 8  # conversations.open takes at most 8 users (beyond one: a group DM)


def conversations_open(state: State, p: Params) -> dict[str, Any]:
    """Open (or find) the bot's DM with a user: exactly one of `users` (comma-separated ids) or `channel`.
    Needs im:write (the method's scope); a bot, a deactivated user or an unknown id cannot be opened."""
    users, channel = p.text("users"), p.text("channel")
    if bool(users) == bool(channel):
        raise SlackError("users_list_not_supplied" if not users else "invalid_arguments")
    if channel:
        found = require_channel(state.world, channel, member=False)
        return {"ok": True, "channel": {"id": found.id}, "no_op": True, "already_open": True}
    ids = [u.strip() for u in (users or "").split(",") if u.strip()]
    if len(ids) > MAX_OPEN_USERS:
        raise SlackError("too_many_users")
    if len(ids) != 1:
        raise SlackError("not_implemented", detail="the fake opens one-to-one DMs only")
    user = state.world.users.get(ids[0])
    if user is None:
        raise SlackError("user_not_found")
    if user.is_bot:
        raise SlackError("cannot_dm_bot")
    if user.deleted:
        raise SlackError("user_disabled")
    already = state.world.im_of(user.id) is not None
    im = state.world.open_im(user.id)
    shown = im.to_api() if p.flag("return_im") else {"id": im.id}
    answer: dict[str, Any] = {"ok": True, "channel": shown}
    if already:
        answer.update(no_op=True, already_open=True)
    return answer


METHODS = {
    "conversations.open": Method(conversations_open, scope="im:write"),
    "auth.test": Method(auth_test),
    "users.info": Method(users_info, scope="users:read"),
    "conversations.info": Method(conversations_info),
    "conversations.join": Method(conversations_join, scope="channels:join"),
    "conversations.history": Method(conversations_history),
    "conversations.replies": Method(conversations_replies),
}
