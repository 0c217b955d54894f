"""Everything a community has stored, read through the Store port, to show a refused command changed nothing."""

from datetime import UTC, datetime

from bot.domain import SpaceRef


async def snapshot(store, platform: str = "test", space: str = "guild-1") -> dict:
    async def read(uow):
        found = await uow.space(SpaceRef(platform, space, space), datetime(2026, 1, 1, tzinfo=UTC))
        debates = await uow.debates(found.id)
        data = {"debates": [(d.number, d.state, d.phase, d.phase_ends_at, d.motion) for d in debates]}
        for d in debates:
            data[f"arguments {d.number}"] = await uow.arguments(d.id)
            data[f"positions {d.number}"] = await uow.positions(d.id)
            data[f"endorsements {d.number}"] = await uow.endorsements(d.id)
            data[f"actions {d.number}"] = await uow.audit_log(d.id)
        data["schedules"] = await uow.schedules(found.id, ("active", "paused", "removed"))
        data["motions"] = [(m.number, m.state, m.upvotes) for m in await uow.open_motions(found.id)]
        return data

    return await store.transact(read)
