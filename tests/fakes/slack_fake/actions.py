"""What members do, as Slack delivers it to the app: slash commands, button clicks, modal submits, events
(messages, mentions, reactions). Each helper returns the `Delivery` (or deliveries) with the app's ack.

`mode` picks the transport per call ("socket" or "http"); the fake's own `mode` is the default."""

from __future__ import annotations

import asyncio
from typing import Any

from .http_delivery import HttpDelivery
from .methods_chat import store_message
from .model import BOT_USER_ID, Message
from .payloads import PayloadBuilder, message_event
from .socket_mode import SocketModeServer
from .state import State
from .traffic import Delivery

DEFAULT_USER, DEFAULT_CHANNEL = "U0ALICE001", "C0DEBATE01"


# Slack's own commands: typed, they run Slack's feature, and an app cannot register the name.
BUILT_IN_COMMANDS = frozenset({"/remind", "/away", "/dnd", "/feed", "/invite", "/leave", "/msg", "/dm",
                               "/mute", "/shrug", "/status", "/topic", "/who", "/open", "/search", "/remove"})


class MemberActions:
    state: State
    mode: str
    http: HttpDelivery
    socket: SocketModeServer
    payloads: PayloadBuilder
    _background: set[asyncio.Task[Any]]

    # -- interactions -----------------------------------------------------------------------------

    async def slash_command(self, command: str, text: str = "", user: str = DEFAULT_USER,
                            channel: str = DEFAULT_CHANNEL, team: str | None = None, *, mode: str | None = None,
                            wait_ack: bool = True, **http_options: Any) -> Delivery:
        """`/command text` typed by `user` in `channel`. http_options: bad_signature, stale_timestamp.
        A built-in command's name (/remind, /invite...) never reaches an app: Slack runs its own."""
        if command in BUILT_IN_COMMANDS:
            raise ValueError(f"{command} is a Slack built-in command: Slack runs it, no app receives it")
        payload = self.payloads.slash_command(command, text, user, channel, team or self.state.world.team_id)
        return await self._deliver("slash_commands", payload, mode=mode, wait_ack=wait_ack,
                                   accepts_response_payload=True, **http_options)

    async def click_button(self, action_id: str, value: str | None = None, user: str = DEFAULT_USER,
                           channel: str = DEFAULT_CHANNEL, message_ts: str | None = None, *,
                           block_id: str | None = None, team: str | None = None, ephemeral: bool = False,
                           strict: bool = True, mode: str | None = None, wait_ack: bool = True,
                           **http_options: Any) -> Delivery:
        """A click on a button of a stored message (`value` defaults to the button's own value)."""
        payload = self.payloads.block_actions(action_id, value, user, channel, message_ts,
                                              team or self.state.world.team_id, block_id=block_id,
                                              ephemeral=ephemeral, strict=strict)
        return await self._deliver("interactive", payload, mode=mode, wait_ack=wait_ack, **http_options)

    async def submit_view(self, callback_id: str, private_metadata: str | None = None,
                          state_values: dict[str, Any] | None = None, user: str = DEFAULT_USER, *,
                          view_id: str | None = None, team: str | None = None, mode: str | None = None,
                          wait_ack: bool = True, **http_options: Any) -> Delivery:
        """Submit a modal. `state_values`: ``{block_id: {action_id: {"type": ..., "value": ...}}}``."""
        payload = self.payloads.view_submission(callback_id, private_metadata, state_values or {}, user,
                                                team or self.state.world.team_id, view_id)
        return await self._deliver("interactive", payload, mode=mode, wait_ack=wait_ack,
                                   accepts_response_payload=True, **http_options)

    # -- events -----------------------------------------------------------------------------------

    async def send_event(self, event: dict[str, Any], event_id: str | None = None, retries: int = 0, *,
                         retry_reason: str | None = None, team: str | None = None, mode: str | None = None,
                         wait_ack: bool = True, **http_options: Any) -> list[Delivery]:
        """An Events API event, then `retries` redeliveries with the same event_id (retry 1, 2, ...)."""
        event_id = event_id or self.state.world.ids.make("Ev")
        payload = self.payloads.event_callback(event, event_id, team or self.state.world.team_id)
        reason = retry_reason or ("http_timeout" if (mode or self.mode) == "http" else "timeout")
        deliveries = []
        for attempt in range(retries + 1):
            deliveries.append(await self._deliver("events_api", payload, mode=mode, wait_ack=wait_ack,
                                                  retry_attempt=attempt, retry_reason=reason if attempt else None,
                                                  **http_options))
        return deliveries

    async def post_user_message(self, user: str, channel: str, text: str, *, thread_ts: str | None = None,
                                events: tuple[str, ...] | None = None, mode: str | None = None,
                                wait_ack: bool = True) -> Message:
        """A member posts a message: stored, then the `message` event (plus `app_mention` when the text
        mentions the bot, as Slack sends both). Pass ``events=()`` to only store it, or only the events the
        app subscribes to: Bolt never acks an event no listener matched (Socket Mode waits out the deadline)."""
        world = self.state.world
        stored = store_message(world, world.channels[channel], user=user, text=text, thread_ts=thread_ts)
        if events is None:
            events = ("message", "app_mention") if f"<@{BOT_USER_ID}>" in text else ("message",)
        for kind in events:
            event = message_event(stored, "im" if world.channels[channel].is_im else "channel")
            if kind == "app_mention":
                event = {k: v for k, v in event.items() if k not in ("channel_type", "subtype")}
            await self.send_event({**event, "type": kind}, mode=mode, wait_ack=wait_ack)
        return stored

    async def add_reaction(self, user: str, channel: str, ts: str, name: str, *, send: bool = True,
                           mode: str | None = None, wait_ack: bool = True) -> Delivery | None:
        """`name` as Slack sends it: a skin tone is part of it ("+1::skin-tone-3"). Slack delivers
        reaction events only from channels the app is in: elsewhere the reaction is stored, no more."""
        message = self._message(channel, ts)
        users = message.reactions.setdefault(name, [])
        if user not in users:
            users.append(user)
        if not send or not self.state.world.channels[channel].is_member:
            return None
        return await self._reaction_event("reaction_added", user, message, name, mode, wait_ack)

    async def remove_reaction(self, user: str, channel: str, ts: str, name: str, *, send: bool = True,
                              mode: str | None = None, wait_ack: bool = True) -> Delivery | None:
        message = self._message(channel, ts)
        if user in message.reactions.get(name, []):
            message.reactions[name].remove(user)
            if not message.reactions[name]:
                del message.reactions[name]
        if not send or not self.state.world.channels[channel].is_member:
            return None
        return await self._reaction_event("reaction_removed", user, message, name, mode, wait_ack)

    async def url_verification(self, challenge: str = "fake-challenge") -> Delivery:
        """The check Slack makes when a Request URL is saved (HTTP mode only)."""
        payload = {"token": self.state.settings.verification_token, "challenge": challenge,
                   "type": "url_verification"}
        return await self._deliver("events_api", payload, mode="http", wait_ack=True)

    # -- plumbing ---------------------------------------------------------------------------------

    def _message(self, channel: str, ts: str) -> Message:
        message = self.state.world.channels[channel].find(ts)
        if message is None:
            raise LookupError(f"no message {ts} in {channel}")
        return message

    async def _reaction_event(self, kind: str, user: str, message: Message, name: str, mode: str | None,
                              wait_ack: bool) -> Delivery:
        event = {"type": kind, "user": user, "reaction": name, "item_user": message.user,
                 "item": {"type": "message", "channel": message.channel, "ts": message.ts},
                 "event_ts": self.state.world.ts.next()}
        return (await self.send_event(event, mode=mode, wait_ack=wait_ack))[0]

    async def _deliver(self, kind: str, payload: dict[str, Any], *, mode: str | None, wait_ack: bool,
                       accepts_response_payload: bool = False, retry_attempt: int | None = None,
                       retry_reason: str | None = None, **http_options: Any) -> Delivery:
        mode = mode or self.mode
        delivery = Delivery(kind, mode, payload, self.state.settings.ack_deadline,
                            accepts_response_payload=accepts_response_payload,
                            retry_attempt=retry_attempt, retry_reason=retry_reason)
        self.state.traffic.deliveries.append(delivery)
        if mode == "http":
            sending = self.http.send(delivery, retry_num=retry_attempt, retry_reason=retry_reason,
                                     **http_options)
            if wait_ack:
                return await sending
            task = asyncio.ensure_future(sending)  # the test drives other things while the app works
            self._background.add(task)
            task.add_done_callback(self._background.discard)
            return delivery
        if http_options:
            raise ValueError(f"{sorted(http_options)} only apply to HTTP mode")
        await self.socket.deliver(delivery)
        if wait_ack:
            await delivery.wait_ack()
        return delivery
