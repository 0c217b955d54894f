"""What an operator does from the command line on a community's record: export it, forget a member
(a request received by e-mail). Run through the store port, as the bot does; `bot/cli.py` calls these.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bot import export
from bot.domain import AuditEntry, Space
from bot.errors import UserError
from bot.handlers.privacy import Forgotten, forget
from bot.ports import Store, Summarizer, UnitOfWork

OPERATOR = "operator (command line)"


async def find_space(store: Store, key: str) -> Space:
    """A community by `platform:id`, its id alone, or its name, exactly one of them."""
    known = await store.transact(lambda uow: uow.spaces())
    found = [s for s in known if key in (f"{s.platform}:{s.external_id}", s.external_id, s.name)]
    if len(found) == 1:
        return found[0]
    listed = ", ".join(f"{s.platform}:{s.external_id} ({s.name})" for s in known) or "none yet"
    what = "matches several communities" if found else "names no community"
    raise UserError(f"--space {key!r} {what}.", f"Communities: {listed}.")


async def _debate_id(store: Store, space: Space, number: int | None) -> int | None:
    if number is None:
        return None
    found = await store.transact(lambda uow: uow.debate(space.id, number))
    if found is None:
        raise UserError(f"There is no debate #{number} in {space.platform}:{space.external_id}.",
                        "See the community's debates with /debate list all:yes.")
    return found.id


async def export_to(store: Store, summarizer: Summarizer, space_key: str, debate: int | None, fmt: str,
                    path: Path, pseudonymize: bool, force: bool, now: datetime,
                    progress: Callable[[int], Callable[[int], None]] | None = None) -> int:
    """Write the export to `path` (refused if it exists, unless `force`); the records written.
    `progress(total)` gives the callback told of each page. Written beside and renamed: never half a file."""
    fmt = export.check_format(fmt)
    if path.exists() and not force:
        raise UserError(f"{path} exists; nothing was written.", "Choose another --out, or add --force.")
    space = await find_space(store, space_key)
    debate_id = await _debate_id(store, space, debate)
    source = await export.source_for(store.transact, space, debate_id, pseudonymize, now)
    total = await source.total()
    source.progress = progress(total) if progress else None
    source.overlap = True  # each page is its own transaction here
    partial = path.with_name(f".{path.name}.partial")
    with open(partial, "wb") as out:
        await export.write(fmt, source, out, now, summarizer, export.space_record(space, pseudonymize))
    os.replace(partial, path)
    what = f"{'debate #' + str(debate) if debate else 'every debate'} as {fmt} to a file"
    await store.transact(lambda uow: uow.audit(AuditEntry(debate_id, OPERATOR, OPERATOR, "export", what, now,
                                                          space.id)))
    return total


async def forget_member(store: Store, space_key: str, member_id: str, now: datetime) -> Forgotten:
    space = await find_space(store, space_key)

    async def work(uow: UnitOfWork) -> Forgotten:
        return await forget(uow, space, member_id, OPERATOR, now)

    return await store.transact(work)
