"""Exports of the demo debate in every format, read back the way their users read them."""

from __future__ import annotations

import json
import re

import jsonschema

from tests.export_support import all_bytes, csv_rows, demo, exported, polis_conversation, schema, unzip


async def _counts(store, space):
    """The first debate, and the rows the database holds for the whole community (the demo also starts a
    scheduled debate)."""
    async def read(uow):
        debates = await uow.debates(space.id)
        counts = {"arguments": 0, "endorsements": 0, "positions": 0, "rounds": 0, "debates": len(debates),
                  "ratings": 0, "audit": len(await uow.space_audit(space.id, 1000)), "restatements": 0,
                  "itt_entries": 0, "itt_ratings": 0}
        for d in debates:
            counts["restatements"] += len(await uow.restatements(d.id))
            counts["itt_entries"] += len(await uow.itt_entries(d.id))
            counts["itt_ratings"] += len(await uow.itt_ratings(d.id))
            counts["arguments"] += len(await uow.arguments(d.id))
            counts["endorsements"] += len(await uow.endorsements(d.id))
            counts["positions"] += len(await uow.positions(d.id))
            counts["ratings"] += len(await uow.steelman_ratings(d.id))
            counts["rounds"] += d.format.post_vote_phase + 1
        return debates[0], counts
    return await store.transact(read)


async def test_csv_has_one_file_per_table_with_the_database_row_counts(store):
    space = await demo(store)
    debate, counts = await _counts(store, space)
    files = unzip(await exported(store, space, "csv"))
    assert sorted(files) == sorted(f"{t}.csv" for t in [*counts, "steelman"])
    for table, expected in counts.items():
        assert len(csv_rows(files[f"{table}.csv"])) == expected, table
    assert counts["arguments"] > 10 and counts["endorsements"] > 5


async def test_json_validates_against_the_shipped_schema_and_jsonl_records_too(store):
    space = await demo(store)
    _, counts = await _counts(store, space)
    doc = json.loads(await exported(store, space, "json"))
    jsonschema.validate(doc, schema())
    assert doc["schema_version"] == "1.2" and len(doc["debates"][0]["arguments"]) == counts["arguments"]
    defs = schema()["$defs"]
    kinds = {"debate": "debate_record", "round": "round", "argument": "argument", "endorsement": "endorsement",
             "position": "position", "rating": "rating", "steelman": "steelman", "audit": "audit",
             "restatement": "restatement", "itt_entry": "itt_entry", "itt_rating": "itt_rating"}
    lines = (await exported(store, space, "jsonl")).decode().splitlines()
    assert json.loads(lines[0])["type"] == "export"
    for line in lines[1:]:
        record = json.loads(line)
        kind = record.pop("type")
        jsonschema.validate(record, {**defs[kinds[kind]], "$defs": defs})
    assert sum('"type": "argument"' in line for line in lines) == counts["arguments"]


async def test_every_format_says_which_engine_wrote_each_debates_steelman(store):
    space = await demo(store)
    debates = await store.transact(lambda uow: uow.debates(space.id))
    doc = json.loads(await exported(store, space, "json"))
    summaries = [d["steelman"] for d in doc["debates"]]
    assert [(s["engine"], s["model"]) for s in summaries] == [("extractive", None)] * len(debates)
    assert [p["argument"] for p in summaries[0]["sides"][0]["picks"]]  # the closed debate has its picks
    lines = [json.loads(line) for line in (await exported(store, space, "jsonl")).decode().splitlines()]
    assert [r["debate"] for r in lines if r["type"] == "steelman" and r["engine"] == "extractive"] == [
        d.number for d in debates]
    rows = csv_rows(unzip(await exported(store, space, "csv"))["steelman.csv"])
    assert rows and {(r["engine"], r["model"]) for r in rows} == {("extractive", "")}
    picked = {int(r["argument"]) for r in rows if r["part"] == "case" and r["debate"] == "1"}
    assert picked == {p["argument"] for side in summaries[0]["sides"] for p in side["picks"]}
    line = "Chosen from members' own words by the extractive engine."
    assert (await exported(store, space, "md")).decode().count(line) == len(debates)
    assert (await exported(store, space, "html")).decode().count(line.replace("'", "&#x27;")) == len(debates)


async def test_a_debate_too_large_to_summarise_in_a_stream_says_so_and_names_no_engine(store, monkeypatch):
    from bot.export import steelman

    space = await demo(store)
    monkeypatch.setattr(steelman, "SUMMARY_LIMIT", 5)
    doc = json.loads(await exported(store, space, "json"))
    jsonschema.validate(doc, schema())
    first = doc["debates"][0]["steelman"]
    assert first["engine"] is None and first["sides"] == [] and "records" in first["note"]
    rows = csv_rows(unzip(await exported(store, space, "csv"))["steelman.csv"])
    assert [r["part"] for r in rows if r["debate"] == "1"] == ["none"]


async def test_markdown_names_every_argument_with_results_and_steelman(store):
    space = await demo(store)
    _, counts = await _counts(store, space)
    text = (await exported(store, space, "md")).decode()
    for n in range(1, counts["arguments"] + 1):
        assert f"**#{n}**" in text, n
    assert "## Results" in text and "## Steelman" in text and "gained most" in text


async def test_html_is_self_contained_with_its_three_charts(store):
    space = await demo(store)
    page = (await exported(store, space, "html")).decode()
    debates = await store.transact(lambda uow: uow.debates(space.id))
    ids = re.findall(r'<figure class="chart" id="(chart-(?:positions|moves|activity)-\d+)">', page)
    assert sorted(ids) == sorted(f"chart-{c}-{d.number}" for d in debates for c in ("positions", "moves", "activity"))
    assert page.count('src="data:image/png;base64,') == 3 * len(debates)
    rest = re.sub(r'src="data:image/png;base64,[A-Za-z0-9+/=]+"', "", page)
    assert not re.search(r"https?:|//|src=|href=|url\(|@import|<script|<link", rest, re.I)


async def test_polis_files_load_with_the_steelman_benchmarks_reader(store, tmp_path):
    space = await demo(store)
    debate, counts = await _counts(store, space)
    for name, data in unzip(await exported(store, space, "polis", debate.id)).items():
        (tmp_path / name).write_bytes(data)
    group, comments, last = polis_conversation(tmp_path)
    assert len(comments) == counts["arguments"] and len(last) == counts["endorsements"]
    assert set(group.values()) <= {"group-0", "group-1", "group-2"} and group
    assert all(vote == 1 for vote in last.values())


MEMBERS = ("Quillon", "Zembla", "Orvantis", "Maya")


async def _named_debate(h):
    number, thread = await h.start_debate(sides="pause, go faster", fmt="quick")
    await h.say("Quillon", "/position side:pause confidence:60", thread=thread)
    await h.say("Zembla", "/position side:go-faster", thread=thread)
    await h.say("Orvantis", "/position side:undecided", thread=thread)
    await h.advance(minutes=6)
    await h.say("Quillon", "/argue side:pause Compute thresholds are auditable today.", thread=thread)
    await h.say("Zembla", "/argue side:go-faster Delay hands the lead to careless labs.", thread=thread)
    await h.say("Orvantis", "/endorse argument:1", thread=thread)
    await h.say("Zembla", "/endorse argument:1", thread=thread)
    await h.advance(seconds=30)  # the endorsements come before the change of mind
    await h.say("Orvantis", "/position side:pause credit:1", thread=thread)
    await h.say("Zembla", "/steelman rate side:go-faster stars:4", thread=thread)
    return number, thread


async def test_a_pseudonymised_export_holds_no_member_id_or_name_and_pseudonyms_are_stable(harness):
    await _named_debate(harness)
    await harness.advance(hours=3)
    space = (await harness.store.transact(lambda uow: uow.spaces()))[0]
    for fmt in ("csv", "json", "jsonl", "md", "html", "polis"):
        data = all_bytes(fmt, await exported(harness.store, space, fmt, pseudonymize=True)).lower()
        for who in MEMBERS:
            assert who.lower().encode() not in data, (fmt, who)
        assert b"guild-1" not in data and b"general" not in data, fmt  # nor the community's platform ids
    first = json.loads(await exported(harness.store, space, "json", pseudonymize=True))
    again = json.loads(await exported(harness.store, space, "json", pseudonymize=True))
    authors = [a["author_id"] for a in first["debates"][0]["arguments"]]
    assert authors == [a["author_id"] for a in again["debates"][0]["arguments"]]
    assert len(set(authors)) == 2 and all(a.startswith("member-") for a in authors)
    [rating] = first["debates"][0]["ratings"]
    assert rating["member_id"] == rating["member_name"] == authors[1] and rating["engine"] == "extractive"
    plain = (await exported(harness.store, space, "json")).decode()
    assert "Quillon" in plain  # the test would catch a leak: names are there without pseudonyms
