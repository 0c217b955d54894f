"""The readable formats' parts for restatements (restate before you rebut) and the ideological Turing
test: each restatement with its verdict, each entry with how its side judged it."""

from __future__ import annotations

from html import escape
from typing import Any

from bot.domain import IttRating
from bot.itt import latest_answers


def verdict(r: dict[str, Any]) -> str:
    accepted = r["accepted"]
    return "awaiting the author's verdict" if accepted is None else \
        "accepted by the author" if accepted else "rejected by the author"


def tally(doc: Any) -> dict[int, tuple[int, int]]:
    """Entry number -> (yes, no): each member's latest answer counts."""
    answers = [IttRating(doc.debate.id, r["entry"], r["member_id"], r["member_name"], r["member_side"],
                         bool(r["passed"]), r["created_at"]) for r in doc.itt_ratings]
    found: dict[int, list[int]] = {}
    for a in latest_answers(answers).values():
        found.setdefault(a.entry, [0, 0])[0 if a.passed else 1] += 1
    return {k: (v[0], v[1]) for k, v in found.items()}


def _judged(yes_no: tuple[int, int]) -> str:
    yes, no = yes_no
    if not yes and not no:
        return "not judged"
    return f"{'passed' if yes > no else 'did not pass'} ({yes} yes, {no} no)"


def _entry_head(doc: Any, e: dict[str, Any]) -> str:
    d = doc.debate
    return (f"Entry {e['number']}: the case for {d.label(e['side'])} by {e['author_name'] or '(removed)'}, "
            f"who held {d.label(e['author_side'])}")


def markdown(doc: Any) -> list[str]:
    lines: list[str] = []
    if doc.restatements:
        lines += ["## Restatements", ""]
        lines += [f"- #{r['rebuttal']} restates #{r['restates']}: “{r['text']}” ({verdict(r)})"
                  for r in doc.restatements]
        lines.append("")
    if doc.itt_entries:
        votes = tally(doc)
        lines += ["## Ideological Turing test", ""]
        lines += [f"- {_entry_head(doc, e)}: {e['text']} — {_judged(votes.get(e['number'], (0, 0)))}"
                  for e in doc.itt_entries]
        lines.append("")
    return lines


def html(doc: Any) -> list[str]:
    out: list[str] = []
    if doc.restatements:
        items = "".join(f'<li id="restatement-{r["rebuttal"]}">#{r["rebuttal"]} restates #{r["restates"]}: '
                        f'{escape(r["text"])} <span class="meta">{verdict(r)}</span></li>'
                        for r in doc.restatements)
        out.append(f'<h2>Restatements</h2><ul class="restatements">{items}</ul>')
    if doc.itt_entries:
        votes = tally(doc)
        items = "".join(f'<li id="itt-{e["number"]}"><b>{escape(_entry_head(doc, e))}</b>: {escape(e["text"])} '
                        f'<span class="meta">{_judged(votes.get(e["number"], (0, 0)))}</span></li>'
                        for e in doc.itt_entries)
        out.append(f'<h2>Ideological Turing test</h2><ul class="itt">{items}</ul>')
    return out
