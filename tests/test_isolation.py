"""Property: no command in one community reads or changes another's data, on every store.

Hypothesis writes a random session of commands in two spaces that use the same debate numbers, argument
numbers and platform event ids. The session runs interleaved on one store, then each space's part runs
alone on an empty store. If anything crossed between the spaces, some reply or some posted message of a
space would differ between the two runs.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from bot.testing import Harness
from tests.stores import KINDS, PG_REQUIRED, PG_SKIP_REASON, PG_URL, fresh_store

SPACES = ("guild-a", "guild-b")
MEMBERS = ("ada", "bo", "cy")
SIDES = ("pause", "go-faster", "undecided")

numbers = st.integers(min_value=1, max_value=2)
arguments = st.integers(min_value=1, max_value=3)
member_lines = st.one_of(
    st.builds("/position debate:{} side:{}".format, numbers, st.sampled_from(SIDES)),
    st.builds("/argue debate:{} side:{} {}".format, numbers, st.sampled_from(SIDES[:2]),
              st.sampled_from(["Weights cannot be un-trained.", "A pause will not be global.", "Govern compute."])),
    st.builds("/endorse debate:{} argument:{}".format, numbers, arguments),
    st.builds("/rebut debate:{} argument:{} side:go-faster Not so: {}".format, numbers, arguments, arguments),
    st.builds("/debate status debate:{}".format, numbers),
    st.builds("/history debate:{}".format, numbers),
    st.builds("/steelman debate:{}".format, numbers),
    st.just("/debate list all:yes"),
)
moderator_lines = st.one_of(
    st.builds('/debate start motion:"Motion {}" sides:"pause, go faster" format:quick'.format,
              st.sampled_from("XYZ")),
    st.builds("/debate next debate:{}".format, numbers),
    st.builds("/debate cancel debate:{}".format, numbers),
)
step = st.one_of(
    st.tuples(st.sampled_from(SPACES), st.sampled_from(MEMBERS), member_lines, st.none()),
    st.tuples(st.sampled_from(SPACES), st.just("Maya"), moderator_lines, st.none()),
    # the same platform event id in both spaces must not be taken for a retry
    st.tuples(st.sampled_from(SPACES), st.sampled_from(MEMBERS), member_lines, st.sampled_from(["e1", "e2"])),
    st.tuples(st.just("clock"), st.none(), st.none(), st.integers(min_value=1, max_value=30)),
)
sessions = st.lists(step, min_size=1, max_size=25)


async def play(kind: str, session, only: str | None) -> dict[str, list]:
    """Run the session (or only one space's part, and every clock step) and note what each space saw."""
    seen: dict[str, list] = {s: [] for s in SPACES}
    with tempfile.TemporaryDirectory() as tmp:
        async with fresh_store(kind, Path(tmp)) as store:
            h = Harness(store)
            for where, who, line, extra in session:
                if where == "clock":
                    await h.advance(minutes=extra)
                    continue
                if only and where != only:
                    continue
                before = len(h.chat.posts)
                reply = await h.say(who, line, space=where, event=extra and f"{extra}")
                posted = [(p.item.out.message.title, p.item.out.message.text, p.item.out.channel_id)
                          for p in h.chat.posts[before:]]
                seen[where].append((line, reply.message.text, reply.message.fields, posted))
            for space in SPACES:  # messages a clock step caused, and the final state of every debate
                seen[space].append(sorted((p.item.out.message.title or "", p.item.out.message.text)
                                          for p in h.chat.posts if p.item.space.external_id == space))
                for n in (1, 2):
                    seen[space].append((await h.say("Maya", f"/debate status debate:{n}", space=space)).message)
    return seen


def check(kind: str, session) -> None:
    together = asyncio.run(play(kind, session, None))
    for space in SPACES:
        alone = asyncio.run(play(kind, session, space))
        assert together[space] == alone[space], f"{space} saw something of the other space"


@pytest.mark.parametrize("kind", KINDS)
def test_no_command_crosses_spaces(kind):
    if kind == "postgres" and not PG_URL:
        if PG_REQUIRED:
            pytest.fail("STEELMAN_REQUIRE_POSTGRES=1 but STEELMAN_TEST_POSTGRES_URL is not set")
        pytest.skip(PG_SKIP_REASON)

    @settings(max_examples=25 if kind == "sqlite" else 15, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(sessions)
    def prop(session):
        check(kind, session)

    prop()
