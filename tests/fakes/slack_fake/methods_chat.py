"""chat.* and reactions.*: posting, editing and reacting to messages, with Slack's validation."""

from __future__ import annotations

from typing import Any

from . import limits
from .model import BOT_ID, BOT_USER_ID, Channel, Ephemeral, Message, World
from .state import Method, Params, SlackError, State, invalid_blocks

MISSING_TEXT_WARNING = "missing_text_fallback"  # blocks without a top-level plain-text `text`


def require_channel(world: World, ref: str | None, *, member: bool = True,
                    public_ok: bool = False) -> Channel:
    """The channel a method names. A private channel or a DM the bot is not in does not exist for it
    (channel_not_found, whatever the method); a public one it is not in refuses what needs membership,
    unless `public_ok` (chat:write.public lets a bot post there without joining)."""
    channel = world.resolve_channel(ref)
    if channel is None or ((channel.is_private or channel.is_im) and not channel.is_member):
        raise SlackError("channel_not_found")
    if member and not channel.is_member and not public_ok:
        raise SlackError("not_in_channel")
    return channel


def require_message(channel: Channel, ts: str | None) -> Message:
    message = channel.find(ts or "")
    if message is None:
        raise SlackError("message_not_found")
    return message


def check_content(text: str | None, blocks: Any, warnings: list[str] | None = None,
                  attachments: bool = False) -> None:
    """What chat.postMessage / chat.update / response_url checks, in Slack's order."""
    if not text and not blocks and not attachments:
        raise SlackError("no_text")
    if text and len(text) > limits.MAX_TEXT:
        raise SlackError("msg_too_long")
    if blocks is not None:
        problems = limits.check_blocks(blocks, limits.MAX_MESSAGE_BLOCKS)
        if problems:
            raise invalid_blocks(problems)
    if blocks and not (text and text.strip()) and warnings is not None:
        warnings.append(MISSING_TEXT_WARNING)  # Slack accepts it but logs; screen readers get nothing


def read_content(p: Params) -> tuple[str, list[dict[str, Any]] | None]:
    text = p.text("text") or ""
    blocks = p.structured("blocks", bad_error="invalid_blocks_format")
    if blocks is not None and not isinstance(blocks, list):
        raise SlackError("invalid_blocks_format")
    # attachments-only messages are legal (the fake records but does not model attachments)
    check_content(text, blocks, p.warnings, attachments=bool(p.structured("attachments")))
    return text, blocks


def read_metadata(p: Params) -> dict[str, Any] | None:
    """Message metadata: an object with a string `event_type` and an object `event_payload`."""
    metadata = p.structured("metadata", bad_error="invalid_metadata_format")
    if metadata is None:
        return None
    if (not isinstance(metadata, dict) or not isinstance(metadata.get("event_type"), str)
            or not metadata["event_type"] or not isinstance(metadata.get("event_payload"), dict)):
        raise SlackError("invalid_metadata_format")
    return {"event_type": metadata["event_type"], "event_payload": metadata["event_payload"]}


def store_message(world: World, channel: Channel, *, user: str, text: str, blocks: Any = None,
                  thread_ts: str | None = None, broadcast: bool = False,
                  files: list[dict[str, Any]] | None = None,
                  metadata: dict[str, Any] | None = None) -> Message:
    """Append a message, threading it under `thread_ts` (a reply's ts is resolved to its root)."""
    root = None
    if thread_ts:
        root = channel.find(thread_ts)
        if root is None:
            raise SlackError("thread_not_found")
        if root.is_reply:  # Slack threads a reply-to-a-reply under the original parent
            root = channel.find(root.thread_ts or "") or root
    message = Message(ts=world.ts.next(), channel=channel.id, user=user, text=text, blocks=blocks,
                      thread_ts=root.ts if root else None, parent_user=root.user if root else None,
                      reply_broadcast=broadcast and root is not None,
                      bot_id=BOT_ID if user == BOT_USER_ID else None, files=list(files or []),
                      metadata=metadata)
    channel.messages.append(message)
    if root is not None:
        root.thread_ts = root.ts
        root.replies.append(message.ts)
        if user not in root.reply_users:
            root.reply_users.append(user)
    return message


def post_message(state: State, p: Params) -> dict[str, Any]:
    public_ok = "chat:write.public" in state.settings.scopes
    channel = require_channel(state.world, p.text("channel", required=True), public_ok=public_ok)
    if channel.is_archived:
        raise SlackError("is_archived")
    text, blocks = read_content(p)
    metadata = read_metadata(p)
    message = store_message(state.world, channel, user=BOT_USER_ID, text=text, blocks=blocks,
                            thread_ts=p.text("thread_ts"), broadcast=p.flag("reply_broadcast"),
                            metadata=metadata)
    return {"ok": True, "channel": channel.id, "ts": message.ts, "message": message.to_api()}


def update(state: State, p: Params) -> dict[str, Any]:
    channel = require_channel(state.world, p.text("channel", required=True), member=False)
    message = require_message(channel, p.text("ts", required=True))
    if message.user != BOT_USER_ID:
        raise SlackError("cant_update_message")
    text = p.text("text")
    blocks = p.structured("blocks", bad_error="invalid_blocks_format")
    # chat.update keeps what is not sent: a text-only update keeps the blocks and vice versa
    new_text = message.text if text is None else text
    new_blocks = message.blocks if blocks is None else blocks
    check_content(new_text, new_blocks, p.warnings)
    message.text, message.blocks, message.edited_ts = new_text, new_blocks, state.world.ts.next()
    return {"ok": True, "channel": channel.id, "ts": message.ts, "text": message.text,
            "message": message.to_api()}


def delete(state: State, p: Params) -> dict[str, Any]:
    channel = require_channel(state.world, p.text("channel", required=True), member=False)
    message = require_message(channel, p.text("ts", required=True))
    if message.user != BOT_USER_ID:
        raise SlackError("cant_delete_message")
    channel.messages.remove(message)
    return {"ok": True, "channel": channel.id, "ts": message.ts}


def post_ephemeral(state: State, p: Params) -> dict[str, Any]:
    channel = require_channel(state.world, p.text("channel", required=True))
    user = p.text("user", required=True) or ""
    if user not in state.world.users:
        raise SlackError("user_not_found")
    if user not in channel.members:
        raise SlackError("user_not_in_channel")
    text, blocks = read_content(p)
    ts = state.world.ts.next()
    state.world.ephemerals.append(Ephemeral(channel.id, user, text, blocks, "chat.postEphemeral",
                                            thread_ts=p.text("thread_ts"), message_ts=ts))
    return {"ok": True, "message_ts": ts}


def get_permalink(state: State, p: Params) -> dict[str, Any]:
    channel = require_channel(state.world, p.text("channel", required=True), member=False)
    message = require_message(channel, p.text("message_ts", required=True))
    link = f"https://{state.world.team_domain}.slack.com/archives/{channel.id}/p{message.ts.replace('.', '')}"
    if message.is_reply:
        link += f"?thread_ts={message.thread_ts}&cid={channel.id}"
    return {"ok": True, "channel": channel.id, "permalink": link}


def _reaction_target(state: State, p: Params) -> tuple[Channel, Message, str]:
    channel = require_channel(state.world, p.text("channel", required=True), member=False)
    message = require_message(channel, p.text("timestamp", required=True))
    return channel, message, (p.text("name") or "")


def reactions_add(state: State, p: Params) -> dict[str, Any]:
    _, message, name = _reaction_target(state, p)
    if not name or ":" in name or " " in name:
        raise SlackError("invalid_name")  # Slack wants "thumbsup", not ":thumbsup:"
    users = message.reactions.setdefault(name, [])
    if BOT_USER_ID in users:
        raise SlackError("already_reacted")
    users.append(BOT_USER_ID)
    return {"ok": True}


def reactions_remove(state: State, p: Params) -> dict[str, Any]:
    _, message, name = _reaction_target(state, p)
    users = message.reactions.get(name, [])
    if BOT_USER_ID not in users:
        raise SlackError("no_reaction")
    users.remove(BOT_USER_ID)
    if not users:
        del message.reactions[name]
    return {"ok": True}


def reactions_get(state: State, p: Params) -> dict[str, Any]:
    channel = require_channel(state.world, p.text("channel", required=True), member=False)
    message = require_message(channel, p.text("timestamp", required=True))
    return {"ok": True, "type": "message", "channel": channel.id, "message": message.to_api()}


METHODS = {
    "chat.postMessage": Method(post_message, scope="chat:write"),
    "chat.update": Method(update, scope="chat:write"),
    "chat.delete": Method(delete, scope="chat:write"),
    "chat.postEphemeral": Method(post_ephemeral, scope="chat:write"),
    "chat.getPermalink": Method(get_permalink),
    "reactions.add": Method(reactions_add),
    "reactions.remove": Method(reactions_remove),
    "reactions.get": Method(reactions_get),
}
