"""The optional LLM steelman, against a fake OpenAI-compatible server that the real openai SDK calls.

A space uses it only after a moderator chooses it; the model sees one side's picks only; an answer is used
only if every citation and quote checks out, else (after one retry) members see the extractive steelman and
are told why.
"""

from __future__ import annotations

import json

import pytest

from bot.config import Settings
from bot.testing import Harness
from tests.fakes.openai_fake import FakeOpenAI, Slow

pytest.importorskip("openai")

PAUSE = (
    "Weights that exist cannot be un-trained, so evaluations must come before the next training run.",
    "Compute thresholds are verifiable through chip supply chains, which makes a pause enforceable.",
)
FASTER = (
    "A unilateral pause only moves frontier work to labs with fewer safeguards and less scrutiny.",
    "Interpretability research needs frontier-scale models to study, so stopping them starves safety.",
)


def answer(cite: int, quote: str, point: str = "Training cannot be undone, so test first.") -> str:
    return json.dumps(
        {
            "points": [
                {"point": point, "cites": [cite], "quotes": [{"argument": cite, "text": quote}]}
            ]
        }
    )


GOOD_PAUSE = answer(1, "Weights that exist cannot be un-trained")
GOOD_FASTER = answer(
    3, "only moves frontier work to labs with fewer safeguards", "A lone pause relocates risk."
)


@pytest.fixture
async def fake(monkeypatch):
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)  # the SDK would send 127.0.0.1 traffic to a proxy
    async with FakeOpenAI() as server:
        yield server


def llm_harness(store, fake: FakeOpenAI, timeout: float = 5.0) -> Harness:
    summary = Settings().summary.model_copy(
        update={
            "engine": "llm",
            "base_url": fake.base_url,
            "model": "fake-model",
            "timeout": timeout,
        }
    )
    return Harness(store, Settings().model_copy(update={"summary": summary}))


async def debate(h: Harness, opt_in: bool = True) -> str:
    _, thread = await h.start_debate(sides="pause, go faster")
    await h.advance(minutes=15)
    for who, side, text in (
        ("ada", "pause", PAUSE[0]),
        ("cy", "pause", PAUSE[1]),
        ("bo", "go-faster", FASTER[0]),
        ("dee", "go-faster", FASTER[1]),
    ):
        await h.say(who, f"/argue side:{side} {text}", thread=thread)
    if opt_in:
        chosen = await h.say("Maya", "/steelman-engine use:llm")
        assert "language model" in chosen.message.text and chosen.message.kind != "error"
    return thread


def case(message, side: str) -> str:
    return next(f.value for f in message.fields if f.name == f"The case for {side}")


async def test_a_grounded_answer_is_shown_and_the_model_saw_one_side_only(store, fake):
    h = llm_harness(store, fake)
    thread = await debate(h)
    fake.answers += [GOOD_PAUSE, GOOD_FASTER]
    reply = await h.say("eve", "/steelman", thread=thread)
    pause = case(reply.message, "pause")
    assert (
        "• Training cannot be undone, so test first. (#1: “Weights that exist cannot be un-trained”)"
        in pause
    )
    assert "Written by a language model" in reply.message.footer
    sent = fake.requests[0]["messages"][-1]["content"]
    assert (
        PAUSE[0] in sent and PAUSE[1] in sent and FASTER[0] not in sent and FASTER[1] not in sent
    )
    assert fake.requests[0]["model"] == "fake-model"
    again = await h.say("eve", "/steelman", thread=thread)  # nothing changed: the cached answers
    assert len(fake.requests) == 2 and case(again.message, "pause") == pause


async def test_without_a_moderators_choice_nothing_is_sent(store, fake):
    h = llm_harness(store, fake)
    thread = await debate(h, opt_in=False)
    reply = await h.say("eve", "/steelman", thread=thread)
    assert fake.requests == [] and "extractive engine" in reply.message.footer
    refused = await h.say("eve", "/steelman-engine use:llm")
    assert refused.message.kind == "error" and "moderators only" in refused.message.text


BAD = {
    "a citation from the other side": (
        answer(3, "only moves frontier work to labs"),
        "another side's argument",
    ),
    "an unknown number": (
        answer(99, "Weights that exist cannot"),
        "not one of this side's arguments",
    ),
    "a paraphrase as a quote": (
        answer(1, "trained models can never be deleted"),
        "is not in its words",
    ),
    "malformed JSON": ('{"points": [{"point": "unfinished', "not valid JSON"),
}


@pytest.mark.parametrize("bad", list(BAD), ids=list(BAD))
async def test_an_ungrounded_answer_is_retried_once_then_falls_back(store, fake, bad):
    h = llm_harness(store, fake)
    thread = await debate(h)
    wrong, reason = BAD[bad]
    fake.answers += [wrong, wrong, GOOD_FASTER]
    reply = await h.say("eve", "/steelman", thread=thread)
    pause = case(reply.message, "pause")
    assert "#1 ada: “" in pause and "•" not in pause  # members' own words
    assert "not used for pause" in reply.message.footer and reason in reply.message.footer
    assert len(fake.requests) == 3  # pause twice (one retry), then go-faster
    assert reason in fake.requests[1]["messages"][-1]["content"]  # the retry says what was wrong
    assert "•" in case(reply.message, "go faster")


async def test_a_timeout_falls_back_without_waiting_twice(store, fake):
    h = llm_harness(store, fake, timeout=0.5)
    thread = await debate(h)
    fake.answers += [Slow(GOOD_PAUSE, 3.0), GOOD_FASTER]
    reply = await h.say("eve", "/steelman", thread=thread)
    assert "#1 ada: “" in case(reply.message, "pause")
    assert "did not answer within 0.5 s" in reply.message.footer


async def test_a_bot_without_a_model_refuses_the_choice(harness: Harness):
    reply = await harness.say("Maya", "/steelman-engine use:llm")
    assert reply.message.kind == "error" and "no language model" in reply.message.text


def posted(h: Harness):
    return [p.item.out for p in h.chat.posts if not p.item.edit_message_id]


def closing_case(h: Harness, side: str) -> tuple[object, list]:
    """The steelman posted when the debate closed, and every post after it."""
    outs = posted(h)
    at = next(i for i, o in enumerate(outs) if o.message.title.startswith("Steelman"))
    return outs[at].message, outs[at + 1:]


async def test_the_summary_posted_at_close_is_written_by_the_spaces_chosen_engine(store, fake):
    h = llm_harness(store, fake)
    thread = await debate(h)
    fake.answers += [GOOD_PAUSE, GOOD_FASTER]
    await h.say("Maya", "/debate close debate:1")
    summary, after = closing_case(h, "pause")
    assert "• Training cannot be undone, so test first." in case(summary, "pause")
    assert "Written by a language model" in summary.footer
    assert len(fake.requests) == 2  # one call per side, once
    # the thread closes after the model's steelman, not before it
    assert [o.message.text for o in after if o.close_thread] == ["This debate is closed. Thank you all for "
                                                                 "arguing well."]
    assert sum(o.message.title.startswith("Steelman") for o in posted(h)) == 1
    assert thread


async def test_the_closing_summary_falls_back_when_the_model_fails_its_check(store, fake):
    h = llm_harness(store, fake)
    await debate(h)
    wrong, reason = BAD["a citation from the other side"]
    fake.answers += [wrong, wrong, GOOD_FASTER]
    await h.say("Maya", "/debate close debate:1")
    summary, after = closing_case(h, "pause")
    assert "#1 ada: “" in case(summary, "pause") and "•" not in case(summary, "pause")
    assert "not used for pause" in summary.footer and reason in summary.footer
    assert any(o.close_thread for o in after)


async def test_the_closing_summary_falls_back_on_a_timeout(store, fake):
    h = llm_harness(store, fake, timeout=0.5)
    await debate(h)
    fake.answers += [Slow(GOOD_PAUSE, 3.0), GOOD_FASTER]
    await h.say("Maya", "/debate close debate:1")
    summary, _ = closing_case(h, "pause")
    assert "#1 ada: “" in case(summary, "pause")
    assert "did not answer within 0.5 s" in summary.footer


async def test_a_space_that_did_not_opt_in_closes_with_the_extractive_summary(store, fake):
    h = llm_harness(store, fake)
    await debate(h, opt_in=False)
    await h.say("Maya", "/debate close debate:1")
    summary, after = closing_case(h, "pause")
    assert fake.requests == [] and "extractive engine" in summary.footer
    assert any(o.close_thread for o in after)
