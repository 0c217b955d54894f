"""Exports carry restatements and the ideological Turing test (entries and members' answers) in every
format where they make sense, pseudonymised when asked; a forgotten member's entries, answers and
restatements are in no table, export or backup. Through the commands, on a real store."""

from __future__ import annotations

import json

import jsonschema

from bot.testing import Harness
from tests.export_support import all_bytes, csv_rows, exported, schema, unzip
from tests.privacy_support import traces

CLAIM = "A unilateral pause only moves frontier work to labs with fewer safeguards."
GIST = "Pausing alone hands the frontier to less careful labs"
ANSWER = "Compute controls through the chip supply chain make a pause close to global."
PAUSE_CASE = "Weights that exist cannot be un-trained, so evaluations have to come before the next run."
FASTER_CASE = "Waiting cedes the standard-setting table to whoever keeps building."
MEMBERS = ("Quillon", "Zembla", "Orvantis", "Ysolde")


async def itt_debate(h: Harness) -> tuple[int, str]:
    """An oxford-itt debate: a rebuttal with an accepted restatement, two ITT entries and answers."""
    number, thread = await h.start_debate(sides="pause, go faster", fmt="oxford-itt")
    for who, side in (("Quillon", "pause"), ("Orvantis", "pause"), ("Zembla", "go-faster"),
                      ("Ysolde", "go-faster")):
        await h.say(who, f"/position side:{side}", thread=thread)
    await h.advance(minutes=15)  # opening
    await h.say("Zembla", f'/argue side:go-faster text:"{CLAIM}"', thread=thread)  # #1
    await h.say("Quillon", f'/rebut argument:1 restatement:"{GIST}" text:"{ANSWER}"', thread=thread)  # #2
    await h.say("Zembla", "/restatement rebuttal:2 accept:yes", thread=thread)
    await h.advance(hours=1)  # the ITT round
    await h.say("Zembla", f'/itt write side:pause text:"{PAUSE_CASE}"', thread=thread)  # entry 1
    await h.say("Quillon", f'/itt write side:go-faster text:"{FASTER_CASE}"', thread=thread)  # entry 2
    await h.say("Orvantis", "/itt rate entry:1 verdict:yes", thread=thread)
    await h.say("Ysolde", "/itt rate entry:2 verdict:no", thread=thread)
    return number, thread


async def _space(h: Harness):
    return (await h.store.transact(lambda uow: uow.spaces()))[0]


async def test_every_format_carries_restatements_and_the_turing_test(harness: Harness):
    await itt_debate(harness)
    space = await _space(harness)
    files = unzip(await exported(harness.store, space, "csv"))
    [restated] = csv_rows(files["restatements.csv"])
    assert restated == {"debate": "1", "rebuttal": "2", "restates": "1", "text": GIST, "accepted": "1",
                        "judged_at": restated["judged_at"]} and restated["judged_at"].endswith("+00:00")
    entries = csv_rows(files["itt_entries.csv"])
    assert [(e["number"], e["author_name"], e["author_side"], e["side"], e["text"]) for e in entries] == [
        ("1", "Zembla", "go-faster", "pause", PAUSE_CASE), ("2", "Quillon", "pause", "go-faster", FASTER_CASE)]
    answers = csv_rows(files["itt_ratings.csv"])
    assert [(a["entry"], a["member_name"], a["passed"]) for a in answers] == [("1", "Orvantis", "1"),
                                                                              ("2", "Ysolde", "0")]

    doc = json.loads(await exported(harness.store, space, "json"))
    jsonschema.validate(doc, schema())
    assert doc["schema_version"] == "1.2"
    [debate] = doc["debates"]
    assert debate["restatements"][0]["accepted"] is True and debate["restatements"][0]["text"] == GIST
    assert [e["text"] for e in debate["itt_entries"]] == [PAUSE_CASE, FASTER_CASE]
    assert [a["passed"] for a in debate["itt_ratings"]] == [True, False]

    defs = schema()["$defs"]
    lines = [json.loads(line) for line in (await exported(harness.store, space, "jsonl")).decode().splitlines()]
    kinds = {"restatement": "restatement", "itt_entry": "itt_entry", "itt_rating": "itt_rating"}
    found = {k: [r for r in lines if r["type"] == k] for k in kinds}
    assert [len(found[k]) for k in kinds] == [1, 2, 2]
    for kind, records in found.items():
        for record in records:
            jsonschema.validate({k: v for k, v in record.items() if k != "type"}, {**defs[kinds[kind]], "$defs": defs})

    md = (await exported(harness.store, space, "md")).decode()
    assert f"#2 restates #1: “{GIST}” (accepted by the author)" in md
    assert f"Entry 1: the case for pause by Zembla, who held go faster: {PAUSE_CASE} — passed (1 yes, 0 no)" in md
    assert "Entry 2: the case for go faster by Quillon" in md and "did not pass (0 yes, 1 no)" in md
    html = (await exported(harness.store, space, "html")).decode()
    assert 'id="restatement-2"' in html and 'id="itt-1"' in html and 'id="itt-2"' in html
    assert "Ideological Turing test" in html and "passed (1 yes, 0 no)" in html


async def test_pseudonymised_turing_test_and_restatements_name_no_member(harness: Harness):
    await itt_debate(harness)
    space = await _space(harness)
    for fmt in ("csv", "json", "jsonl", "md", "html"):
        data = all_bytes(fmt, await exported(harness.store, space, fmt, pseudonymize=True))
        for who in MEMBERS:
            assert who.lower().encode() not in data.lower(), (fmt, who)
    doc = json.loads(await exported(harness.store, space, "json", pseudonymize=True))
    [debate] = doc["debates"]
    authors = {e["author_id"] for e in debate["itt_entries"]} | {a["member_id"] for a in debate["itt_ratings"]}
    assert len(authors) == 4 and all(a.startswith("member-") for a in authors)
    arguments = {a["author_id"] for a in debate["arguments"]}
    assert arguments <= authors  # the same pseudonym for the same member, table to table


async def test_a_forgotten_members_entries_answers_and_restatements_are_in_no_export(sqlite_store, tmp_path):
    h = Harness(sqlite_store)
    number, thread = await itt_debate(h)
    await h.say("Quillon", "/itt rate entry:1 verdict:no", thread=thread)  # an answer of theirs too
    space = await _space(h)
    before = all_bytes("csv", await exported(h.store, space, "csv"))
    assert FASTER_CASE.encode() in before and GIST.encode() in before
    await h.say("Quillon", "/forget-me confirm:yes")
    assert await traces(sqlite_store, space, ["Quillon", FASTER_CASE, GIST, ANSWER], tmp_path) == {}
    files = unzip(await exported(h.store, space, "csv"))
    assert [e["author_name"] for e in csv_rows(files["itt_entries.csv"])] == ["Zembla"]
    assert [a["member_name"] for a in csv_rows(files["itt_ratings.csv"])] == ["Orvantis", "Ysolde"]
    assert csv_rows(files["restatements.csv"]) == []
