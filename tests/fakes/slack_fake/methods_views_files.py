"""views.*, the external file upload flow (files.getUploadURLExternal + POST + files.completeUploadExternal)
and apps.connections.open (the Socket Mode URL)."""

from __future__ import annotations

import time
from typing import Any

from . import limits
from .methods_chat import require_channel, store_message
from .model import BOT_USER_ID, UploadedFile, View
from .state import Method, Params, SlackError, State, invalid_blocks


def _read_view(p: Params) -> dict[str, Any]:
    view = p.structured("view")
    problems = limits.check_view(view)
    if problems:
        raise invalid_blocks(problems, error="invalid_arguments")
    return view


def _exchange_trigger(state: State, trigger_id: str | None) -> str:
    """A trigger is good once, within `trigger_ttl` seconds of the click or command that made it."""
    trigger = state.world.triggers.get(trigger_id or "")
    if trigger is None:
        raise SlackError("invalid_trigger_id")
    if trigger.used:
        raise SlackError("exchanged_trigger_id")
    if time.monotonic() - trigger.issued_at > state.settings.trigger_ttl:
        raise SlackError("expired_trigger_id")
    trigger.used = True
    return trigger.user


def _new_view(state: State, body: dict[str, Any], user: str, root: str | None = None,
              previous: str | None = None) -> View:
    view_id = state.world.ids.make("V")
    view = View(view_id, user, body, hash=f"{int(time.time())}.{view_id}", root_view_id=root or view_id,
                previous_view_id=previous, external_id=body.get("external_id"))
    state.world.views[view_id] = view
    return view


def views_open(state: State, p: Params) -> dict[str, Any]:
    user = _exchange_trigger(state, p.text("trigger_id", required=True))
    view = _new_view(state, _read_view(p), user)
    return {"ok": True, "view": view.to_api()}


def views_push(state: State, p: Params) -> dict[str, Any]:
    user = _exchange_trigger(state, p.text("trigger_id", required=True))
    current = next((v for v in reversed(state.world.views.values()) if v.user == user), None)
    view = _new_view(state, _read_view(p), user, root=current.root_view_id if current else None,
                     previous=current.id if current else None)
    return {"ok": True, "view": view.to_api()}


def views_update(state: State, p: Params) -> dict[str, Any]:
    view_id, external_id = p.text("view_id"), p.text("external_id")
    if not view_id and not external_id:
        raise SlackError("invalid_arguments")
    view = state.world.views.get(view_id or "") or next(
        (v for v in state.world.views.values() if external_id and v.external_id == external_id), None)
    if view is None:
        raise SlackError("not_found")
    if p.text("hash") and p.text("hash") != view.hash:
        raise SlackError("hash_conflict")  # someone else updated it since the app read it
    view.body = _read_view(p)
    view.hash = f"{int(time.time())}.{state.world.ids.make('h')}"
    return {"ok": True, "view": view.to_api()}


def get_upload_url(state: State, p: Params) -> dict[str, Any]:
    filename = p.text("filename", required=True) or ""
    length = p.number("length", 0)
    if length <= 0:
        raise SlackError("invalid_arguments")
    upload = UploadedFile(state.world.ids.make("F"), filename, length)
    state.world.files[upload.id] = upload
    return {"ok": True, "upload_url": f"{state.base_url}/upload/v1/{upload.id}", "file_id": upload.id}


def complete_upload(state: State, p: Params) -> dict[str, Any]:
    entries = p.structured("files")
    if not isinstance(entries, list) or not entries:
        raise SlackError("invalid_arguments")
    uploads = []
    for entry in entries:
        upload = state.world.files.get(entry.get("id", ""))
        if upload is None or upload.data is None:
            raise SlackError("file_not_found")  # never uploaded (or the POST to upload_url failed)

        upload.title = entry.get("title") or upload.filename
        uploads.append(upload)
    channel_ref = p.text("channel_id") or (p.text("channels") or "").split(",")[0]
    if channel_ref:
        channel = require_channel(state.world, channel_ref)
        store_message(state.world, channel, user=BOT_USER_ID, text=p.text("initial_comment") or "",
                      thread_ts=p.text("thread_ts"), files=[u.to_api() for u in uploads])
        for upload in uploads:
            upload.shared_to.append(channel.id)

    return {"ok": True, "files": [u.to_api() for u in uploads]}


def connections_open(state: State, p: Params) -> dict[str, Any]:
    return {"ok": True, "url": state.socket_url()}


METHODS = {
    "views.open": Method(views_open),
    "views.push": Method(views_push),
    "views.update": Method(views_update),
    "files.getUploadURLExternal": Method(get_upload_url, scope="files:write"),
    "files.completeUploadExternal": Method(complete_upload, scope="files:write"),
    "apps.connections.open": Method(connections_open, token="app"),
}
