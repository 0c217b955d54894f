"""The `polis` format: Polis's own export layout, so Polis tools and Jigsaw's Sensemaker can read a debate.

Arguments are comments (comment-id = argument number - 1), endorsements are agree votes (1), and a
member's group is the side of their latest position (0-based, in the debate's order; none if undecided).
One debate is at the zip's root; an export of every debate has one folder per debate.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from datetime import datetime
from typing import IO

from bot.export.document import DebateDoc, load
from bot.export.source import Source
from bot.ports import Summarizer


def _stamp(at: datetime) -> tuple[int, str]:
    return int(at.timestamp() * 1000), at.strftime("%a %b %d %H:%M:%S UTC %Y")


def _write(archive: zipfile.ZipFile, name: str, header: list[str], rows: list[list]) -> None:
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    archive.writestr(name, text.getvalue())


def _participants(doc: DebateDoc) -> dict[str, int]:
    """Polis numbers participants from 0 in order of first appearance."""
    order: dict[str, int] = {}
    for rows, column in ((doc.arguments, "author_id"), (doc.positions, "member_id"),
                         (doc.endorsements, "member_id")):
        for r in rows:
            if r[column]:
                order.setdefault(r[column], len(order))
    return order


def conversation(archive: zipfile.ZipFile, folder: str, doc: DebateDoc) -> None:
    who = _participants(doc)
    group: dict[str, str] = {}
    for p in sorted(doc.positions, key=lambda p: p["id"]):
        keys = doc.debate.side_keys
        group[p["member_id"]] = str(keys.index(p["side"])) if p["side"] in keys else ""
    comments = [[*_stamp(a["created_at"]), a["number"] - 1, who.get(a["author_id"], ""),
                 doc.endorsed[a["number"]], 0, 1, a["text"]] for a in doc.arguments]
    _write(archive, f"{folder}comments.csv", ["timestamp", "datetime", "comment-id", "author-id", "agrees",
                                              "disagrees", "moderated", "comment-body"], comments)
    votes = [[*_stamp(e["created_at"]), e["argument"] - 1, who[e["member_id"]], 1] for e in doc.endorsements]
    _write(archive, f"{folder}votes.csv", ["timestamp", "datetime", "comment-id", "voter-id", "vote"], votes)
    voted: dict[str, set[int]] = {}
    for e in doc.endorsements:
        voted.setdefault(e["member_id"], set()).add(e["argument"] - 1)
    wrote = Counter(a["author_id"] for a in doc.arguments)
    ids = [a["number"] - 1 for a in doc.arguments]
    matrix = [[n, group.get(m, ""), wrote[m], len(voted.get(m, ())), len(voted.get(m, ())), 0,
               *(1 if c in voted.get(m, ()) else "" for c in ids)] for m, n in who.items()]
    _write(archive, f"{folder}participants-votes.csv", ["participant", "group-id", "n-comments", "n-votes",
                                                       "n-agree", "n-disagree", *map(str, ids)], matrix)
    _write(archive, f"{folder}summary.csv", ["topic", doc.debate.motion],
           [["voters", len(who)], ["comments", len(ids)], ["groups", len(doc.debate.sides)]])


async def write_polis(source: Source, out: IO[bytes], summarizer: Summarizer) -> None:
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        async for row in source.rows("debates"):
            folder = "" if source.debate_id is not None else f"debate-{row['debate']}/"
            conversation(archive, folder, await load(source, row, summarizer))
