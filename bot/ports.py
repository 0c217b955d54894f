"""Ports: the small interfaces the core owns and the outer layers implement.

The Store speaks in the core's terms (record this once under this key; claim what is due; append a
position), never in one engine's SQL, so SQLite and PostgreSQL each implement it natively and one contract
suite holds both to the same behaviour.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from bot.model import (
    Argument,
    Debate,
    DueItem,
    Endorsement,
    ModAction,
    OutboxItem,
    Outgoing,
    Position,
    Receipt,
    Space,
    SpaceRef,
    State,
    SteelmanReport,
    ArgumentView,
)


class UnitOfWork(Protocol):
    """One transaction. Nothing is kept unless `commit` is called; leaving the block rolls back."""

    async def commit(self) -> None: ...

    # idempotency: platform event ids, scoped to the space. claim_event returns None when the key is new
    # (and records it), else the result stored by the first delivery.
    async def claim_event(self, space_id: int, key: str) -> dict[str, Any] | None: ...
    async def set_event_result(self, space_id: int, key: str, result: dict[str, Any]) -> None: ...

    async def space(self, ref: SpaceRef) -> Space: ...  # get or create

    async def add_debate(self, debate: Debate) -> Debate: ...  # assigns id and the space's next number
    async def debate(self, space_id: int, number: int) -> Debate | None: ...
    async def debate_by_id(self, debate_id: int) -> Debate | None: ...
    async def debate_in_thread(self, space_id: int, thread_id: str) -> Debate | None: ...
    async def debates(self, space_id: int, states: Sequence[State] | None = None) -> list[Debate]: ...
    async def save_debate(self, debate: Debate) -> None: ...  # state, phase, deadlines, thread

    async def add_argument(self, argument: Argument) -> Argument: ...  # assigns the debate's next number
    async def argument(self, debate_id: int, number: int) -> Argument | None: ...
    async def arguments(self, debate_id: int) -> list[Argument]: ...
    async def count_arguments(self, debate_id: int, author_id: str, phase: int) -> int: ...
    async def tally(self, debate_id: int) -> tuple[dict[str, int], int]: ...  # sides' members, arguments

    async def endorse(self, e: Endorsement) -> bool: ...  # False if already endorsed
    async def withdraw(self, debate_id: int, argument: int, member_id: str) -> bool: ...
    async def endorsements(self, debate_id: int) -> list[Endorsement]: ...

    async def append_position(self, p: Position) -> Position: ...
    async def positions(self, debate_id: int, member_id: str | None = None) -> list[Position]: ...

    async def record_action(self, action: ModAction) -> None: ...
    async def actions(self, debate_id: int) -> list[ModAction]: ...

    async def schedule(self, space_id: int, debate_id: int, kind: str, phase: int, due_at: datetime) -> None: ...
    async def unschedule(self, debate_id: int) -> None: ...  # drop a debate's pending deadlines
    async def finish_due(self, item_id: int) -> bool: ...  # mark done; False if it already was

    async def enqueue(self, space_id: int, out: Outgoing, now: datetime) -> int: ...
    async def outbox_id_of(self, space_id: int, subject: tuple[str, int]) -> int | None: ...
    async def subject_of(self, space_id: int, message_id: str) -> tuple[str, int, int] | None: ...


class Store(Protocol):
    async def open(self) -> None: ...  # connect and apply migrations
    async def close(self) -> None: ...
    def unit_of_work(self) -> Any: ...  # async context manager yielding a UnitOfWork

    # work that runs outside any one command: claimed with a lease so that it fires once across processes
    async def claim_due(self, now: datetime, worker: str, lease_s: float, limit: int = 50) -> list[DueItem]: ...
    async def next_due_at(self) -> datetime | None: ...
    async def claim_outbox(self, now: datetime, worker: str, lease_s: float, limit: int = 50) -> list[OutboxItem]: ...
    async def delivered(self, item_id: int, receipt: Receipt, now: datetime) -> None: ...
    async def delivery_failed(self, item_id: int, error: str, now: datetime, retry_at: datetime | None) -> None: ...
    async def next_outbox_at(self) -> datetime | None: ...


class Chat(Protocol):
    """Outbound: post or edit one message on the platform of `item.space`."""

    async def deliver(self, item: OutboxItem) -> Receipt: ...


class Clock(Protocol):
    def now(self) -> datetime: ...

    async def sleep_until(self, when: datetime | None, wake: Any) -> None:
        """Return at `when` (never, if None) or as soon as the asyncio.Event `wake` is set."""
        ...


class Summarizer(Protocol):
    def summarize(self, arguments: Sequence[ArgumentView], sides: Sequence[str], per_side: int = 3) -> SteelmanReport: ...


class PermanentDeliveryError(Exception):
    """The platform refused the message for good (deleted channel, missing access): do not retry."""
