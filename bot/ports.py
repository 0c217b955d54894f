"""Ports: the small interfaces the core owns and the outer layers implement.

The Store speaks in the core's terms (record this once under this key; claim what is due; append a
position), never in one engine's SQL, so SQLite and PostgreSQL each implement it natively and one contract
suite holds both to the same behaviour.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar

from bot.domain import (Argument, AuditEntry, Debate, Endorsement, Job, Motion, Position, Schedule, Space,
                        SpaceRef, State)
from bot.messages import OutboxItem, Outgoing, Receipt
from bot.summaries import ArgumentView, Rating, SteelmanReport

T = TypeVar("T")


class UnitOfWork(Protocol):
    """One transaction's reads and writes, in the core's terms. A store runs a unit of work as a function
    of this (`Store.transact`): it commits when the function returns and rolls back if it raises."""

    debate_seen: int | None  # the number of the debate this unit last read or made: logs name it
    wakes: bool  # it queued or released due work: a store shared by processes tells the others

    # idempotency: a platform event's id, scoped to the space. None when new (and recorded with `result`),
    # else the result stored the first time.
    async def record_event(self, space_id: int, key: str, result: dict[str, Any], now: datetime
                           ) -> dict[str, Any] | None: ...
    async def event_result(self, space_id: int, key: str) -> dict[str, Any] | None: ...

    async def space(self, ref: SpaceRef, now: datetime) -> Space: ...  # get or create

    async def add_debate(self, debate: Debate) -> Debate: ...  # assigns id and the space's next number
    # share: the command only reads the debate (others may too); else it holds it until commit.
    # member: that member's latest position is read along (latest_position then costs nothing)
    async def debate(self, space_id: int, number: int, share: bool = False, member: str | None = None
                     ) -> Debate | None: ...
    async def debate_by_id(self, debate_id: int) -> Debate | None: ...
    async def debate_in_thread(self, space_id: int, thread_id: str, share: bool = False,
                               member: str | None = None) -> Debate | None: ...
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
    async def latest_position(self, debate_id: int, member_id: str) -> Position | None: ...

    async def audit(self, entry: AuditEntry) -> None: ...  # entry.space_id when it has no debate
    async def audit_log(self, debate_id: int) -> list[AuditEntry]: ...
    async def space_audit(self, space_id: int, limit: int) -> list[AuditEntry]: ...  # newest first

    # a community's record, for exports: a table ("debates", "arguments", "endorsements", "positions",
    # "audit") read in pages by key after a cursor: (column names, rows, the next page's cursor or None)
    async def export_page(self, space_id: int, table: str, after: tuple | None, limit: int,
                          debate_id: int | None = None) -> tuple[tuple[str, ...], list[tuple], tuple | None]: ...
    async def count_records(self, space_id: int, debate_id: int | None = None) -> int: ...
    async def spaces(self) -> list[Space]: ...
    async def space_secret(self, space_id: int, fresh: str, now: datetime) -> str: ...  # fresh: if none yet

    # moderators' corrections and a member's erasure
    async def remove_credits(self, debate_id: int, argument: int, member_id: str | None = None) -> int: ...
    async def replace_argument(self, debate_id: int, number: int, text: str, unlink: bool) -> None: ...
    async def member_arguments(self, space_id: int, member_id: str) -> list[tuple[int, int, str]]: ...
    async def erase_member(self, space_id: int, member_id: str, placeholder: str) -> dict[str, Any]: ...
    async def scrub(self, space_id: int, needles: Sequence[str], note: str) -> int: ...

    # the agenda: jobs of any kind, claimed with a lease so that each fires once across processes
    async def schedule(self, job: Job) -> bool: ...  # False if one of its kind and key is pending
    async def unschedule(self, debate_id: int, kind: str | None = None) -> None: ...
    async def claim_due(self, now: datetime, worker: str, lease_until: datetime, limit: int = 50) -> list[Job]: ...
    async def finish_due(self, job_id: int, now: datetime) -> bool: ...  # False if it already was
    async def next_due_at(self) -> datetime | None: ...
    # give up `worker`'s unfinished claims of jobs and messages (at shutdown): others take them now
    async def release_claims(self, worker: str) -> int: ...

    # the outbox: messages written with the change that caused them, delivered after commit in order
    async def enqueue(self, space_id: int, out: Outgoing, now: datetime) -> int: ...
    # an edit of the first post showing out.subject, drawn when sent; None if one is pending or no post
    async def refresh(self, space_id: int, out: Outgoing, now: datetime) -> int | None: ...
    async def outbox_id_of(self, space_id: int, subject: tuple[str, int], debate_id: int | None = None
                           ) -> int | None: ...
    async def subject_of(self, space_id: int, message_id: str) -> tuple[str, int, int] | None: ...
    async def claim_outbox(self, now: datetime, claim: str, lease_until: datetime, limit: int = 50
                           ) -> list[OutboxItem]: ...
    async def delivered(self, item_id: int, receipt: Receipt, now: datetime) -> None: ...
    async def delivery_failed(self, item_id: int, error: str, now: datetime, retry_at: datetime | None) -> None: ...
    async def next_outbox_at(self) -> datetime | None: ...
    # messages pending, and when the oldest of them was queued
    async def outbox_backlog(self) -> tuple[int, datetime | None]: ...

    # schedules: numbered per space; schedule_of holds the row until commit
    async def add_schedule(self, s: Schedule) -> Schedule: ...  # assigns id and the space's next number
    async def schedule_of(self, space_id: int, number: int | None = None, schedule_id: int | None = None
                          ) -> Schedule | None: ...
    async def schedules(self, space_id: int, states: Sequence[str] = ("active", "paused")) -> list[Schedule]: ...
    async def save_schedule(self, s: Schedule) -> None: ...  # state, next run time, note
    async def cancel_job(self, space_id: int, kind: str, key: str) -> bool: ...  # False if none pending

    # the motion queue: ranked by upvotes (one per member), then age
    async def add_motion(self, m: Motion) -> Motion: ...  # assigns id and the space's next number
    async def motion(self, space_id: int, number: int) -> Motion | None: ...
    async def open_motions(self, space_id: int) -> list[Motion]: ...  # in rank order
    async def upvote(self, space_id: int, motion_id: int, member_id: str, now: datetime) -> bool: ...
    async def withdraw_upvote(self, space_id: int, motion_id: int, member_id: str) -> bool: ...
    # used, withdrawn or rejected; False if it was no longer open
    async def close_motion(self, space_id: int, motion_id: int, state: str, now: datetime,
                           by: tuple[str, str] | None = None, reason: str | None = None,
                           debate_id: int | None = None) -> bool: ...

    async def request_reminder(self, space_id: int, debate_id: int, member_id: str, now: datetime) -> bool: ...
    async def reminder_requests(self, space_id: int, debate_id: int) -> list[str]: ...

    # the steelman: which engine a space chose (None: never chosen), and members' ratings of it
    async def steelman_engine(self, space_id: int) -> str | None: ...
    async def set_steelman_engine(self, space_id: int, engine: str, actor_id: str, now: datetime) -> None: ...
    async def rate_steelman(self, r: Rating) -> None: ...  # append-only
    async def steelman_ratings(self, debate_id: int) -> list[Rating]: ...  # oldest first


class Store(Protocol):
    async def open(self) -> None: ...  # connect and apply migrations
    async def close(self) -> None: ...

    async def transact(self, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """Run `work` in one transaction: its result once committed; rolled back if it raises."""
        ...

    async def read(self, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """Run `work`, which changes nothing, where it is not held up by a writer (SQLite: a read-only
        connection of its own); a unit that writes after all is run by `transact`."""
        ...

    async def listen(self, wake: Callable[[], None]) -> None:
        """Call `wake` whenever another process queued or released due work (a store several
        processes share); returns once listening. A store only one process uses does nothing."""
        ...


class Chat(Protocol):
    """Outbound: post or edit one message (with its files) on the platform of `item.space`, then close
    the debate's thread if the item says so."""

    async def deliver(self, item: OutboxItem) -> Receipt: ...


class Platform(Chat, Protocol):
    """A chat platform, as the composition root and the core know it. Everything about its syntax and its
    limits stays behind this: the core's messages are neutral, and the adapter renders them."""

    name: str  # the `platform` of the spaces it serves ("discord"), and its settings section

    def neutralise(self, text: str) -> str:
        """Member text made inert in this platform's syntax (no mention, no hidden link)."""
        ...

    async def run(self) -> None:
        """Connect and serve until stopped; a failure to connect raises, naming the setting to fix."""
        ...

    async def stop(self) -> None: ...

    @property
    def connected(self) -> bool:
        """Whether it can take events and deliver now (for /readyz); False while reconnecting."""
        ...


class PlatformSpec(Protocol):
    """What an adapter package registers (entry point group `steelman.platforms`)."""

    name: str

    def enabled(self, settings: Any) -> bool: ...
    def build(self, settings: Any, core: Any) -> Platform: ...
    def add_commands(self, subparsers: Any) -> None:
        """Its own CLI subcommands (`python -m bot discord invite-url`); each sets `func(settings, args)`."""
        ...


class Clock(Protocol):
    def now(self) -> datetime: ...

    async def sleep_until(self, when: datetime | None, wake: Any) -> None:
        """Return at `when` (never, if None) or as soon as the asyncio.Event `wake` is set."""
        ...


class Summarizer(Protocol):
    def summarize(self, arguments: Sequence[ArgumentView], sides: Sequence[str], per_side: int = 3) -> SteelmanReport: ...


class PermanentDeliveryError(Exception):
    """The platform refused the message for good (deleted channel, missing access): do not retry.
    `receipt`: what was posted before the refusal (a card whose thread was refused), so it is recorded
    and never posted again."""

    def __init__(self, reason: str, receipt: Receipt | None = None):
        super().__init__(reason)
        self.receipt = receipt
