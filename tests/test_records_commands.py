"""/export, /audit, /leaderboard, /credit remove, /argument delete and /forget-me, driven as members do."""

from __future__ import annotations

import io
import sqlite3
import zipfile

from bot.handlers import records
from bot.testing import Harness
from bot.handlers.privacy import FORGOTTEN
from tests.snapshot import snapshot
from tests.test_exports import _named_debate


async def test_a_moderator_gets_the_export_as_a_file_only_they_see(harness):
    number, thread = await _named_debate(harness)
    reply = await harness.say("Maya", f"/export format:csv debate:{number}")
    assert reply.ephemeral and "only you can see it" in reply.message.text
    (file,) = reply.message.files
    assert file.name.endswith(".zip") and file.media_type == "application/zip"
    assert "arguments.csv" in zipfile.ZipFile(io.BytesIO(file.data)).namelist()


async def test_bad_export_requests_get_a_clear_reply_and_change_nothing(harness):
    await _named_debate(harness)
    await harness.start_debate(space="guild-2")
    await harness.say("Maya", "/argue side:pause Only in guild two.", space="guild-2", thread="guild-2-t2")
    before = await snapshot(harness.store), await snapshot(harness.store, space="guild-2")
    cases = {
        "/export format:csv debate:1": ("Quillon", "is for moderators only"),
        "/export format:xlsx debate:1": ("Maya", "format"),
        "/export format:csv debate:9": ("Maya", "There is no debate #9 here"),
        "/export format:csv debate:2": ("Maya", "There is no debate #2 here"),  # guild-2's internal id
        "/export format:csv": ("Maya", "not a debate's thread"),
    }
    for line, (who, expected) in cases.items():
        reply = await harness.say(who, line, space="guild-1")
        assert expected in reply.message.text and not reply.message.files, (line, reply.message.text)
    # guild-1's moderator in guild-2's thread: the thread is not one of guild-1's debates
    reply = await harness.say("Maya", "/export format:json", space="guild-1", thread="guild-2-t2")
    assert "not a debate's thread" in reply.message.text and not reply.message.files
    assert (await snapshot(harness.store), await snapshot(harness.store, space="guild-2")) == before


async def test_a_large_export_runs_as_a_job_and_arrives_directly_to_the_moderator(harness, monkeypatch):
    monkeypatch.setattr(records, "INLINE_RECORDS", 3)
    await _named_debate(harness)
    reply = await harness.say("Maya", "/export format:jsonl all:yes")
    assert "arrives as a direct message" in reply.message.text and not reply.message.files
    await harness.advance(seconds=1)
    sent = [p.item for p in harness.chat.posts if p.item.out.message and p.item.out.message.files
            and p.item.out.direct_to]
    assert [(i.out.direct_to, i.out.message.files[0].name) for i in sent] == \
        [("maya", "steelman-test-all-debates.jsonl")]
    assert b"Compute thresholds" in sent[0].out.message.files[0].data


async def test_audit_shows_moderator_actions_including_exports(harness):
    number, _ = await _named_debate(harness)
    await harness.say("Maya", f"/export format:md debate:{number}")
    assert "moderators only" in (await harness.say("Zembla", "/audit")).message.text
    text = (await harness.say("Maya", "/audit limit:5")).message.text
    assert "Maya · export · debate #1 · debate #1 as md" in text and "Maya · start" in text


async def test_results_post_their_chart_as_an_image(harness):
    await _named_debate(harness)
    await harness.advance(hours=3)
    results = [p.item.out.message for p in harness.chat.posts if p.item.out.message
               and p.item.out.message.kind == "results"]
    (image,) = results[0].files
    assert image.media_type == "image/png" and image.data.startswith(b"\x89PNG")


async def test_removing_a_credit_changes_the_leaderboard_and_is_audited(harness):
    number, thread = await _named_debate(harness)
    board = (await harness.say("Zembla", "/leaderboard period:all")).message
    assert "Quillon: 1 minds changed" in board.fields[0].value
    assert "#1 by Quillon: endorsed by 2 from other sides" in board.fields[1].value
    assert "moderators only" in (await harness.say("Zembla", "/credit remove argument:1", thread=thread)).message.text
    wrong = await harness.say("Maya", "/credit remove argument:2", thread=thread)
    assert "No position in debate #1 credits argument #2" in wrong.message.text
    done = await harness.say("Maya", '/credit remove argument:1 reason:"credit trading"', thread=thread)
    assert "Removed 1 credit" in done.message.text
    board = (await harness.say("Zembla", "/leaderboard")).message
    assert "No credited moves yet." in board.fields[0].value
    assert "credit remove · debate #1 · #1: 1 credit removed; credit trading" in \
        (await harness.say("Maya", "/audit")).message.text


async def test_a_moderator_deletes_one_argument_and_its_message_says_why(harness):
    number, thread = await _named_debate(harness)
    reply = await harness.say("Maya", '/argument delete argument:2 reason:"off topic"', thread=thread)
    assert "is removed" in reply.message.text
    edits = [p.item.out.message.text for p in harness.chat.posts if p.item.edit_message_id
             and p.item.out.message and p.item.out.message.kind == "argument"]
    assert edits == ["(removed by a moderator: off topic)"]
    again = await harness.say("Maya", '/argument delete argument:2 reason:"off topic"', thread=thread)
    assert "already removed" in again.message.text


async def test_forget_me_asks_first_and_then_leaves_nothing_of_the_member(sqlite_store, tmp_path):
    harness = Harness(sqlite_store)  # every table's bytes are read from the SQLite file and its backup
    number, thread = await _named_debate(harness)
    await harness.advance(hours=3)  # closed: the results name the member
    before = await snapshot(harness.store)
    ask = await harness.say("Quillon", "/forget-me")
    assert ask.message.buttons[0].args == (("confirm", True),) and await snapshot(harness.store) == before
    done = await harness.say("Quillon", "/forget-me confirm:yes")
    assert "you are forgotten" in done.message.text
    edited = [p.item.out.message.text for p in harness.chat.posts if p.item.edit_message_id
              and p.item.out.message and p.item.out.message.kind == "argument"]
    assert edited == [FORGOTTEN]
    db = tmp_path / "steelman.db"
    for where in (db, *await _copies(harness, tmp_path)):
        data = _every_row(where)
        for needle in ("quillon", "compute thresholds are auditable"):
            assert needle not in data, (where, needle)
    assert "zembla" in _every_row(db)  # the others stay


async def _copies(harness, tmp_path):
    """A backup and an export of everything, made after the member was forgotten."""
    from storage.backup import backup
    from tests.export_support import all_bytes, exported

    backup(f"sqlite:///{tmp_path / 'steelman.db'}", tmp_path / "backup.db")
    space = (await harness.store.transact(lambda uow: uow.spaces()))[0]
    (tmp_path / "export.bin").write_bytes(all_bytes("csv", await exported(harness.store, space, "csv")))
    return [tmp_path / "backup.db", tmp_path / "export.bin"]


def _every_row(path) -> str:
    if path.suffix != ".db":
        return path.read_bytes().decode("utf-8", "replace").lower()
    db = sqlite3.connect(path)
    try:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        rows = [repr(r) for t in tables for r in db.execute(f"SELECT * FROM {t}")]
    finally:
        db.close()
    return ("\n".join(rows) + path.read_bytes().decode("latin-1")).lower()
