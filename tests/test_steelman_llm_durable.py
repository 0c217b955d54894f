"""The closing steelman a language model writes survives the process (issue 17): its job is written with the
close, claimed with a lease, and done only when the model's answer is recorded with the posts. A process
that dies while the model is thinking leaves it pending: the restarted bot (or another process) writes it
again, and it is posted once, even when two processes both got an answer. Against the fake
OpenAI-compatible server the real SDK calls, on both stores."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from bot.testing import Harness
from tests.fakes.openai_fake import Slow
from tests.test_steelman_llm import GOOD_FASTER, GOOD_PAUSE, case, debate, fake, llm_harness, posted  # noqa: F401

pytest.importorskip("openai")


def steelmen(h: Harness) -> list:
    return [o.message for o in posted(h) if o.message.title.startswith("Steelman")]


def closings(h: Harness) -> list[str]:
    return [o.message.text for o in posted(h) if o.close_thread]


async def model_asked(fake, n: int) -> None:
    for _ in range(1000):
        if len(fake.requests) >= n:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"the model was asked {len(fake.requests)} times, not {n}")


async def test_a_closing_steelman_in_flight_when_the_process_dies_is_written_after_the_restart(store, fake):
    first = llm_harness(store, fake)
    await debate(first)
    fake.answers.append(Slow(GOOD_PAUSE, 2))  # the model is still thinking when the process dies
    closing = asyncio.create_task(first.say("Maya", "/debate close debate:1"))
    await model_asked(fake, 1)
    closing.cancel()  # the process dies: nothing after this line of its runs
    with contextlib.suppress(asyncio.CancelledError):
        await closing
    assert steelmen(first) == [] and closings(first) == []  # the results are out; the steelman is not
    await store.close()

    await store.open()
    fake.answers[:] = [GOOD_PAUSE, GOOD_FASTER]
    again = Harness(store, first.settings, clock=first.clock, chat=first.chat, worker="restarted")
    await again.agenda.settle()
    assert steelmen(again) == []  # the first process's lease still holds it
    await again.advance(minutes=2)  # its lease runs out: the restarted bot writes the steelman
    [summary] = steelmen(again)
    assert "• Training cannot be undone, so test first." in case(summary, "pause")
    assert "Written by a language model" in summary.footer
    assert closings(again) == ["This debate is closed. Thank you all for arguing well."]
    asked = len(fake.requests)
    await again.advance(hours=1)
    assert len(fake.requests) == asked and len(steelmen(again)) == 1  # done: never written again


async def test_two_processes_that_both_get_an_answer_post_the_steelman_once(store, fake):
    slow = llm_harness(store, fake)
    await debate(slow)
    fake.answers[:] = [Slow(GOOD_PAUSE, 1.5), GOOD_PAUSE, GOOD_FASTER]
    closing = asyncio.create_task(slow.say("Maya", "/debate close debate:1"))
    await model_asked(fake, 1)
    # another process, while the first still waits on the model past its lease
    other = Harness(store, slow.settings, clock=slow.clock, chat=slow.chat, worker="other")
    await other.advance(minutes=2)
    [summary] = steelmen(other)
    assert "• A lone pause relocates risk." in case(summary, "go faster")
    await closing  # the first process's answer comes too late: the job is done, nothing more is posted
    await slow.agenda.settle()
    assert len(steelmen(slow)) == 1 and steelmen(slow)[0] is summary
    assert len(closings(slow)) == 1
