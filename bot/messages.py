"""Outgoing messages: platform-neutral rich messages, replies and the outbox's items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain import Space


@dataclass(frozen=True)
class Button:
    label: str
    command: str  # a catalog command name, e.g. "position"
    args: tuple[tuple[str, Any], ...] = ()
    style: str = "secondary"  # primary | secondary | success | danger
    form: bool = False  # open a form for the command (prefilled with args) instead of running it


@dataclass(frozen=True)
class Field:
    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True)
class Chart:
    """Bar chart data: before/after share per side, rendered by each adapter as it can."""

    title: str
    labels: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]


@dataclass(frozen=True)
class File:
    """An attachment: a chart, an export."""

    name: str
    data: bytes
    media_type: str  # "image/png", "text/csv", ...


@dataclass(frozen=True)
class Message:
    """A platform-neutral rich message. Adapters turn it into embeds, Block Kit or text.

    Member text in it is as typed: each adapter makes it inert in its own syntax when it renders.
    """

    text: str
    title: str | None = None
    fields: tuple[Field, ...] = ()
    buttons: tuple[Button, ...] = ()
    footer: str | None = None
    chart: Chart | None = None
    files: tuple[File, ...] = ()
    kind: str = "info"  # card | argument | announcement | results | opinion | steelman | info | error


@dataclass(frozen=True)
class Reply:
    message: Message
    ephemeral: bool = True
    option: str | None = None  # for an error: the command option it is about (a form shows it there)


@dataclass(frozen=True)
class Outgoing:
    """A message a state change caused, written in the same transaction as the change."""

    message: Message | None  # None when `render` says how to draw it at sending time
    channel_id: str
    debate_id: int | None = None
    in_thread: bool = False  # post into the debate's thread (resolved at delivery)
    open_thread: str | None = None  # this post opens the debate's thread, with this name
    edit_of: int | None = None  # outbox id of an earlier post to edit instead of posting
    subject: tuple[str, int] | None = None  # ("card", debate_id) / ("argument", number): found by ref later
    coalesce_key: str | None = None  # while an edit with this key is pending, another is not queued
    render: str | None = None  # "card": drawn from the debate's state when sent, so a burst costs one
    close_thread: bool = False  # after posting, close the debate's thread (as far as the platform can)
    direct_to: str | None = None  # a member's platform id: only they see it (a direct message), not the channel


@dataclass(frozen=True)
class OutboxItem:
    id: int
    space: Space
    stream: str
    out: Outgoing
    thread_id: str | None  # the debate's thread, when known
    edit_message_id: str | None  # the platform id of the message to edit, when known
    attempts: int
    # claims for sending, this one included, less those the platform refused outright (a rate limit):
    # above 1, an earlier attempt may have reached the platform
    tries: int = 1
    created_at: datetime | None = None  # when it was queued: with the id, names this delivery on a platform

    @property
    def retried(self) -> bool:
        """An earlier attempt may have reached the platform (it crashed, timed out or was cut short): the
        adapter must not post again what is already there."""
        return self.tries > 1

    def key(self, part: int = 0) -> str:
        """A name for this delivery's `part`, the same on every attempt and unlike any other delivery's
        (another store's message of the same id was queued at another time)."""
        stamp = int(self.created_at.timestamp() * 1000) if self.created_at else 0
        return f"{self.id}.{part}.{stamp}"


@dataclass(frozen=True)
class Receipt:
    """What the platform answered for a delivered message."""

    message_id: str
    thread_id: str | None = None


