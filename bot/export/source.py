"""Where an export reads from: a community's tables in pages through the store port, pseudonymised on
the way when asked. Every format reads through this, so none can skip the pseudonyms or the space bound.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import operator
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.ports import UnitOfWork

PAGE = 5000
TEXT_PAGE = 20000  # rows per page of text: few trips to the store, a few MB at a time
# Reads one unit of work: inside a command, the command's own; from the command line, a transaction each.
Reader = Callable[[Callable[[UnitOfWork], Awaitable[Any]]], Awaitable[Any]]
TABLES = ("debates", "arguments", "endorsements", "positions", "ratings", "audit")

# Columns naming a member (id, name) per table, and platform ids that a pseudonymised export leaves out.
MEMBER_COLUMNS = {
    "debates": (("started_by", "started_by_name"),),
    "arguments": (("author_id", "author_name"),),
    "endorsements": (("member_id", "member_name"),),
    "positions": (("member_id", "member_name"),),
    "audit": (("actor_id", "actor_name"),),
    "ratings": (("member_id", "member_name"),),
    "itt_entries": (("author_id", "author_name"),),
    "itt_ratings": (("member_id", "member_name"),),
    "restatements": (),
}
# leading key columns of a text row, and which exported column is the member's id (their name follows)
KEY_WIDTH = {"arguments": 1, "endorsements": 3, "positions": 1, "audit": 1, "ratings": 1, "itt_entries": 1,
             "itt_ratings": 1, "restatements": 2}
TEXT_MEMBER = {"arguments": 2, "endorsements": 2, "positions": 1, "audit": 1, "ratings": 2, "itt_entries": 2,
               "itt_ratings": 2}  # restatements name no member (their rebuttal's author is the argument's)
PLATFORM_COLUMNS = frozenset({"channel_id", "thread_id"})
# tables the store can write as CSV lines itself (`export_csv_page`: those paged by one key column)
CSV_READY = frozenset({"arguments", "positions", "audit", "ratings", "itt_entries", "itt_ratings"})
COUNTED = frozenset({"arguments", "endorsements", "positions"})  # what `total` counts, and progress reports
INTERNAL = frozenset({"id", "debate_id"})  # the store's own keys: paging only, not part of the record


@dataclass
class Pseudonyms:
    """A keyed hash of a member's platform id with the space's secret: stable across exports of the
    space, meaningless without the secret, and the same length whatever the id."""

    secret: str
    known: dict[str, str] = field(default_factory=dict)

    def of(self, member_id: str) -> str:
        if not member_id:  # an argument unlinked from a forgotten member stays unlinked
            return ""
        found = self.known.get(member_id)
        if found is None:
            digest = hmac.new(self.secret.encode(), member_id.encode(), hashlib.sha256).hexdigest()
            found = self.known[member_id] = f"member-{digest[:12]}"
        return found


@dataclass
class Source:
    read: Reader
    space_id: int
    debate_id: int | None = None  # None: every debate of the space
    names: Pseudonyms | None = None
    progress: Callable[[int], None] | None = None  # told how many rows (of COUNTED tables) each page brought
    # read the next page while this one is written: only where each read is its own transaction (the
    # command line), never inside one unit of work, whose connection runs one statement at a time
    overlap: bool = False

    async def pages(self, table: str, debate_id: int | None = None) -> AsyncIterator[list[dict[str, Any]]]:
        """The table's rows in pages (of one debate when given, else of the export's selection). The next
        page is read while this one is written: the store's thread and the writer work at the same time."""
        debate = debate_id if debate_id is not None else self.debate_id

        def read(after: tuple | None) -> Awaitable[Any]:
            return self.read(lambda uow: uow.export_page(self.space_id, table, after, PAGE, debate))

        # Overlapping needs an event loop of our own; a unit of work may run on the store's thread instead.
        pending = asyncio.ensure_future(read(None)) if self.overlap else None
        cursor: tuple | None = None
        while True:
            names, found, cursor = await (pending if pending is not None else read(cursor))
            pending = asyncio.ensure_future(read(cursor)) if self.overlap and cursor is not None else None
            if found:
                if self.progress and table in COUNTED:
                    self.progress(len(found))
                yield [self._clean(table, dict(zip(names, r))) for r in found]
            if cursor is None:
                return

    async def text_pages(self, table: str, debate_id: int | None = None) -> AsyncIterator[list[tuple]]:
        """The table's rows as text tuples in the order of its exported columns (`tables.COLUMNS`), in big
        pages: what the tabular formats write as it comes. Pseudonyms applied (cached per member)."""
        debate = debate_id if debate_id is not None else self.debate_id
        key = KEY_WIDTH[table]
        strip = operator.itemgetter(slice(key, None))
        spot = TEXT_MEMBER[table] + key if table in TEXT_MEMBER else None  # the member's id, then name

        def read(after: tuple | None) -> Awaitable[Any]:
            return self.read(lambda uow: uow.export_text_page(self.space_id, table, after, TEXT_PAGE, debate))

        pending = asyncio.ensure_future(read(None)) if self.overlap else None
        cursor: tuple | None = None
        while True:
            found, cursor = await (pending if pending is not None else read(cursor))
            pending = asyncio.ensure_future(read(cursor)) if self.overlap and cursor is not None else None
            if found:
                if self.progress and table in COUNTED:
                    self.progress(len(found))
                if self.names is None or spot is None:
                    yield list(map(strip, found))
                else:
                    of = self.names.of
                    yield [(*r[key:spot], of(r[spot]), of(r[spot]), *r[spot + 2:]) for r in found]
            if cursor is None:
                return

    async def csv_pages(self, table: str) -> AsyncIterator[bytes]:
        """The table's rows as CSV lines the database wrote (UTF-8), in big pages; the next page is read
        while this one is written. Only without pseudonyms (which are keyed hashes made here)."""
        assert self.names is None and table in CSV_READY

        def read(after: tuple | None) -> Awaitable[Any]:
            return self.read(lambda uow: uow.export_csv_page(self.space_id, table, after, TEXT_PAGE,
                                                             self.debate_id))

        pending = asyncio.ensure_future(read(None)) if self.overlap else None
        cursor: tuple | None = None
        while True:
            lines, count, cursor = await (pending if pending is not None else read(cursor))
            pending = asyncio.ensure_future(read(cursor)) if self.overlap and cursor is not None else None
            if count:
                if self.progress and table in COUNTED:
                    self.progress(count)
                yield lines
            if cursor is None:
                return

    async def rows(self, table: str, debate_id: int | None = None) -> AsyncIterator[dict[str, Any]]:
        async for page in self.pages(table, debate_id):
            for row in page:
                yield row

    def _clean(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        if self.names is None:
            return row
        for id_column, name_column in MEMBER_COLUMNS[table]:
            row[name_column] = row[id_column] = self.names.of(row[id_column])
        for column in PLATFORM_COLUMNS & row.keys():
            row[column] = None
        return row

    async def total(self) -> int:
        return await self.read(lambda uow: uow.count_records(self.space_id, self.debate_id))


def public(row: dict[str, Any]) -> dict[str, Any]:
    """The row as exported: without the store's own keys."""
    return {k: v for k, v in row.items() if k not in INTERNAL}


def rounds_of(debate: dict[str, Any]) -> list[dict[str, Any]]:
    """The phases of a debate row's format, in order: pre-vote, its rounds, post-vote."""
    fmt = debate["format"]
    sides = [s[1] for s in debate["sides"]]
    phases = [{"phase": 0, "name": "pre-vote", "duration_s": fmt["pre_vote"], "sides": "", "per_person_limit": None}]
    for n, r in enumerate(fmt["rounds"], start=1):
        allowed = ", ".join(sides[i - 1] for i in r["sides"] if 0 < i <= len(sides)) if r["sides"] else ""
        phases.append({"phase": n, "name": r["name"], "duration_s": r["duration"], "sides": allowed,
                       "per_person_limit": r["per_person_limit"]})
    phases.append({"phase": len(fmt["rounds"]) + 1, "name": "post-vote", "duration_s": fmt["post_vote"],
                   "sides": "", "per_person_limit": None})
    return [{"debate": debate["debate"], **p} for p in phases]
