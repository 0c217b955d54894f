"""The bodies Slack sends to an app: slash commands, block_actions, view_submission, event_callback.

The same dicts travel in both modes: form fields (slash commands) or ``payload=`` JSON (interactions) or a
JSON body (events) over HTTP, and an envelope's "payload" over Socket Mode. Each helper hands out the
trigger_id and response_url a real one would carry, so the app can open modals and respond later."""

from __future__ import annotations

import time
from typing import Any, Iterator

from .model import APP_ID, BOT_USER_ID, Message, ResponseUrl, View
from .state import State


class PayloadBuilder:
    def __init__(self, state: State) -> None:
        self.state = state

    # -- shared pieces ----------------------------------------------------------------------------

    def _response_url(self, channel: str, user: str, message_ts: str | None = None,
                      thread_ts: str | None = None) -> str:
        url = ResponseUrl(self.state.world.ids.make("R"), channel, user, message_ts, thread_ts)
        self.state.world.response_urls[url.id] = url
        return f"{self.state.base_url}/response/{url.id}"

    def _user(self, user: str, team: str) -> dict[str, Any]:
        """`team_id` is the member's own workspace, which in a Slack Connect channel is not the one
        that installed the app (`team`)."""
        known = self.state.world.users.get(user)
        name = known.name if known else user.lower()
        return {"id": user, "username": name, "name": name,
                "team_id": known.team_id if known else team}

    def _team(self, team: str) -> dict[str, Any]:
        return {"id": team, "domain": self.state.world.team_domain}

    def _channel_name(self, channel: str) -> str:
        known = self.state.world.channels.get(channel)
        return known.name if known else channel.lower()

    # -- slash commands ---------------------------------------------------------------------------

    def slash_command(self, command: str, text: str, user: str, channel: str, team: str) -> dict[str, str]:
        """All strings, as Slack form-encodes them (Socket Mode sends the same strings as JSON)."""
        world = self.state.world
        return {
            "token": self.state.settings.verification_token, "team_id": team, "team_domain": world.team_domain,
            "channel_id": channel, "channel_name": self._channel_name(channel), "user_id": user,
            "user_name": self._user(user, team)["name"], "command": command, "text": text,
            "api_app_id": APP_ID, "is_enterprise_install": "false",
            "response_url": self._response_url(channel, user), "trigger_id": world.new_trigger(user),
        }

    # -- block_actions ----------------------------------------------------------------------------

    def block_actions(self, action_id: str, value: str | None, user: str, channel: str, message_ts: str | None,
                      team: str, *, block_id: str | None = None, ephemeral: bool = False,
                      strict: bool = True) -> dict[str, Any]:
        """A button click on a message. With `strict`, the button must exist in the stored message (its
        block_id, label and value are taken from there), so a test cannot click what the app never sent."""
        world = self.state.world
        message = world.channels[channel].find(message_ts or "") if channel in world.channels else None
        button = find_element(message.blocks or [], action_id) if message else None
        if strict and not ephemeral and (message is None or button is None):
            raise LookupError(f"no button {action_id!r} in message {message_ts!r} of {channel}")
        block, element = button or (block_id or "fake_block", {"text": {"type": "plain_text", "text": action_id}})
        action = {"action_id": action_id, "block_id": block_id or block, "type": element.get("type", "button"),
                  "text": element.get("text"), "value": element.get("value", "") if value is None else value,
                  "action_ts": f"{time.time():.6f}"}
        payload = {
            "type": "block_actions", "user": self._user(user, team), "api_app_id": APP_ID,
            "token": self.state.settings.verification_token,
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel,
                          "is_ephemeral": ephemeral},
            "trigger_id": world.new_trigger(user), "team": self._team(team), "enterprise": None,
            "is_enterprise_install": False, "channel": {"id": channel, "name": self._channel_name(channel)},
            "state": {"values": {}}, "actions": [action],
            "response_url": self._response_url(channel, user, message_ts,
                                               message.thread_ts if message else None),
        }
        if message is not None and not ephemeral:
            payload["message"] = message.to_api()
        return payload

    # -- view_submission --------------------------------------------------------------------------

    def view_submission(self, callback_id: str, private_metadata: str, state_values: dict[str, Any],
                        user: str, team: str, view_id: str | None = None) -> dict[str, Any]:
        """A modal submit. Uses the view the app opened (by `view_id`, else the member's latest view with
        that callback_id) so blocks and title are the app's own; else a minimal synthetic modal."""
        view = self._find_view(callback_id, user, view_id)
        body = view.to_api() if view else {
            "id": self.state.world.ids.make("V"), "team_id": team, "type": "modal", "blocks": [],
            "title": {"type": "plain_text", "text": "Form"}, "callback_id": callback_id, "hash": "0",
            "app_id": APP_ID, "bot_id": "", "root_view_id": None, "previous_view_id": None}
        # A modal is the member's own: Slack Connect members submit it from their workspace, and only
        # view.app_installed_team_id names the installing one (bolt-python#734)
        home = self.state.world.home_team(user)
        body.update(callback_id=callback_id, state={"values": state_values}, team_id=home,
                    app_installed_team_id=team)
        if private_metadata is not None:
            body["private_metadata"] = private_metadata
        return {"type": "view_submission", "team": self._team(home), "user": self._user(user, team),
                "api_app_id": APP_ID, "token": self.state.settings.verification_token,
                "trigger_id": self.state.world.new_trigger(user), "view": body, "response_urls": [],
                "is_enterprise_install": False, "enterprise": None}

    def _find_view(self, callback_id: str, user: str, view_id: str | None) -> View | None:
        views = self.state.world.views
        if view_id:
            return views[view_id]
        mine = [v for v in views.values() if v.user == user and v.body.get("callback_id") == callback_id]
        return mine[-1] if mine else None

    # -- events -----------------------------------------------------------------------------------

    def event_callback(self, event: dict[str, Any], event_id: str, team: str) -> dict[str, Any]:
        """From a Slack Connect member, the outer team_id is their workspace; `authorizations` names
        the installation the event is for."""
        home = self.state.world.home_team(event.get("user", "")) if "user" in event else team
        return {
            "token": self.state.settings.verification_token, "team_id": home, "api_app_id": APP_ID,
            "event": event, "type": "event_callback", "event_id": event_id, "event_time": int(time.time()),
            "authorizations": [{"enterprise_id": None, "team_id": team, "user_id": BOT_USER_ID, "is_bot": True,
                                "is_enterprise_install": False}],
            "is_ext_shared_channel": home != team, "event_context": f"4-fake-{event_id}",
        }


def message_event(message: Message, channel_type: str = "channel") -> dict[str, Any]:
    """The `message` event Slack sends when `message` is posted (what an Events API subscriber sees)."""
    event = {k: v for k, v in message.to_api().items() if k not in ("reactions", "team")}
    return {**event, "channel": message.channel, "event_ts": message.ts, "channel_type": channel_type}


def iter_elements(blocks: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(block_id, element) for every interactive element: actions elements, accessories, inputs."""
    for block in blocks:
        block_id = block.get("block_id", "")
        for element in block.get("elements") or []:
            if isinstance(element, dict) and "action_id" in element:
                yield block_id, element
        for key in ("accessory", "element"):
            if isinstance(block.get(key), dict):
                yield block_id, block[key]


def find_element(blocks: list[dict[str, Any]], action_id: str) -> tuple[str, dict[str, Any]] | None:
    return next(((b, e) for b, e in iter_elements(blocks) if e.get("action_id") == action_id), None)
