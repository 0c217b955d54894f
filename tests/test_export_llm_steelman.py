"""Exports of a community that chose the language model carry the model's steelman as the bot posted it
when the debate closed (kept then), say so, and never ask the model again; a debate with none kept says
that; a forgotten member's words leave the kept steelman too. Against the fake OpenAI-compatible server,
with the real SDK, through the commands, on both stores."""

from __future__ import annotations

import json

import jsonschema

from tests.export_support import csv_rows, exported, schema, unzip
from tests.test_steelman_llm import FASTER, GOOD_FASTER, GOOD_PAUSE, PAUSE, debate, fake, llm_harness  # noqa: F401

POINT = "Training cannot be undone, so test first."
QUOTE = "Weights that exist cannot be un-trained"


async def _closed_with_the_model(store, fake):  # noqa: F811
    h = llm_harness(store, fake)
    await debate(h)
    fake.answers += [GOOD_PAUSE, GOOD_FASTER]
    await h.say("Maya", "/debate close debate:1")
    assert len(fake.requests) == 2
    space = (await h.store.transact(lambda uow: uow.spaces()))[0]
    return h, space


async def test_exports_carry_the_models_steelman_as_posted_without_asking_again(store, fake):  # noqa: F811
    h, space = await _closed_with_the_model(store, fake)
    doc = json.loads(await exported(store, space, "json"))
    jsonschema.validate(doc, schema())
    summary = doc["debates"][0]["steelman"]
    assert (summary["engine"], summary["source"]) == ("llm", "posted")
    assert summary["model"].endswith(":fake-model")
    pause = next(s for s in summary["sides"] if s["side"] == "pause")
    assert pause["points"] == [f"{POINT} (#1: “{QUOTE}”)"] and pause["picks"][0]["text"] in PAUSE
    assert "as posted when the debate closed" in summary["note"] and "did not ask the model again" in summary["note"]

    lines = [json.loads(x) for x in (await exported(store, space, "jsonl")).decode().splitlines()]
    [record] = [r for r in lines if r["type"] == "steelman"]
    assert (record["engine"], record["source"], record["sides"]) == ("llm", "posted", summary["sides"])
    rows = csv_rows(unzip(await exported(store, space, "csv"))["steelman.csv"])
    points = [r for r in rows if r["part"] == "point"]
    assert {(r["engine"], r["source"]) for r in rows} == {("llm", "posted")}
    assert [r["text"] for r in points] == [f"{POINT} (#1: “{QUOTE}”)", "A lone pause relocates risk. (#3: "
                                           "“only moves frontier work to labs with fewer safeguards”)"]
    for fmt in ("md", "html"):
        text = (await exported(store, space, fmt)).decode()
        assert "Written by a language model" in text and "as posted when the debate closed" in text, fmt

    # the moderator's own export in chat, through the bot's engines, says the same
    reply = await h.say("Maya", "/export format:json debate:1")
    [file] = reply.message.files
    assert json.loads(file.data)["debates"][0]["steelman"]["sides"] == summary["sides"]
    assert len(fake.requests) == 2  # no export asked the model


async def test_a_debate_without_a_kept_steelman_says_so_and_shows_members_words(store, fake):  # noqa: F811
    h = llm_harness(store, fake)
    await debate(h)  # chose the model; the debate is still open
    space = (await h.store.transact(lambda uow: uow.spaces()))[0]
    summary = json.loads(await exported(store, space, "json"))["debates"][0]["steelman"]
    assert (summary["engine"], summary["model"], summary["source"]) == ("extractive", None, "export")
    assert "no steelman of it is kept for this debate" in summary["note"]
    assert all(s["points"] == [] for s in summary["sides"]) and fake.requests == []
    md = (await exported(store, space, "md")).decode()
    assert "by the extractive engine" in md and "no steelman of it is kept" in md


async def test_forgetting_a_quoted_member_drops_the_kept_steelman(store, fake):  # noqa: F811
    h, space = await _closed_with_the_model(store, fake)
    assert await store.transact(lambda uow: uow.stored_steelman(1)) is not None
    await h.say("ada", "/forget-me confirm:yes")  # ada wrote argument #1, which the model quoted
    assert await store.transact(lambda uow: uow.stored_steelman(1)) is None
    for fmt in ("json", "jsonl", "csv", "md", "html"):
        data = await exported(store, space, fmt)
        data = b"".join(unzip(data).values()) if fmt == "csv" else data
        assert QUOTE.encode() not in data and PAUSE[0].encode() not in data, fmt
        assert FASTER[0].encode() in data, fmt  # the others' words stay
    summary = json.loads(await exported(store, space, "json"))["debates"][0]["steelman"]
    assert summary["engine"] == "extractive" and "no steelman of it is kept" in summary["note"]
    assert len(fake.requests) == 2


async def test_an_open_debates_export_reuses_the_models_answer_to_steelman_asking_nothing(store, fake):  # noqa: F811
    h = llm_harness(store, fake)
    thread = await debate(h)
    fake.answers += [GOOD_PAUSE, GOOD_FASTER]
    await h.say("bo", "/steelman", thread=thread)  # the model writes it for a member, once
    assert len(fake.requests) == 2
    reply = await h.say("Maya", "/export format:json debate:1")
    [file] = reply.message.files
    summary = json.loads(file.data)["debates"][0]["steelman"]
    assert (summary["engine"], summary["source"]) == ("llm", "cached") and "did not ask" in summary["note"]
    assert next(s for s in summary["sides"] if s["side"] == "pause")["points"] == [f"{POINT} (#1: “{QUOTE}”)"]
    assert len(fake.requests) == 2
