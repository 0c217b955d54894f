"""Encoding of the core's values into columns, shared by every store."""

from __future__ import annotations

import base64
import functools
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.domain import ARGUMENTS, Format, RoundSpec, Side
from bot.messages import Button, Chart, Field, File, Message, Outgoing

_TS = "%Y-%m-%dT%H:%M:%S.%f"


def ts(value: datetime | None) -> str | None:
    """UTC text in one fixed-width format: ordering the text orders the times."""
    if value is None:
        return None
    return _text_of(value)


@functools.lru_cache(maxsize=1024)  # a command writes its one `now` in several rows
def _text_of(value: datetime) -> str:
    # isoformat writes the same fixed width as _TS, several times faster than strftime
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def from_ts(value: str | datetime | None) -> datetime | None:
    """Text from SQLite (parsed by the C `fromisoformat`, not `strptime`), or PostgreSQL's datetime."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return _time_of(value)


@functools.lru_cache(maxsize=4096)  # a debate's deadlines come back with every command that reads it
def _time_of(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def render_of(text: str) -> str | None:
    return json.loads(text).get("render") if text.startswith('{"render"') else None


def stream_of(space_id: int, out: Outgoing) -> str:
    """Messages of one debate go out in order in two streams side by side: the debate's own (its card,
    round announcements, results, the closing notice) and its members' posts (arguments and their
    edits), so a backlog of posts never holds up an announcement. Others are ordered per channel. A
    posts stream waits until the debate's thread exists, and the closing notice (subject "closing")
    waits for the posts queued before it (see `_HEAD` in storage/uow_delivery.py)."""
    if out.direct_to:  # a member's own stream: a refusal or a retry there holds up no thread
        return f"direct:{space_id}:{out.direct_to}"
    if out.debate_id is None:
        return f"channel:{space_id}:{out.channel_id}"
    if out.subject and out.subject[0] == "argument":
        return f"debate:{out.debate_id}:posts"
    return f"debate:{out.debate_id}"


def sides_json(sides: tuple[Side, ...]) -> str:
    return json.dumps([[s.key, s.label] for s in sides])


@functools.lru_cache(maxsize=4096)  # a debate's sides and format never change: decode each text once
def sides_from(text: str) -> tuple[Side, ...]:
    return tuple(Side(k, label) for k, label in json.loads(text))


def format_json(fmt: Format) -> str:
    return json.dumps(
        {
            "name": fmt.name,
            "pre_vote": fmt.pre_vote.total_seconds(),
            "post_vote": fmt.post_vote.total_seconds(),
            "rounds": [
                {
                    "name": r.name,
                    "duration": r.duration.total_seconds(),
                    "sides": list(r.sides) if r.sides is not None else None,
                    "per_person_limit": r.per_person_limit,
                    **({"remind_before": [b.total_seconds() for b in r.remind_before]}
                       if r.remind_before is not None else {}),
                    **({"kind": r.kind} if r.kind != ARGUMENTS else {}),
                }
                for r in fmt.rounds
            ],
            **({"remind_before": [b.total_seconds() for b in fmt.remind_before]}
               if fmt.remind_before else {}),
            **({"restate": True} if fmt.restate else {}),
            **({"voting": list(fmt.voting)} if fmt.voting else {}),
        }
    )


@functools.lru_cache(maxsize=4096)
def format_from(text: str) -> Format:
    data = json.loads(text)
    rounds = tuple(
        RoundSpec(
            r["name"],
            timedelta(seconds=r["duration"]),
            tuple(r["sides"]) if r["sides"] is not None else None,
            r["per_person_limit"],
            _spans(r["remind_before"]) if "remind_before" in r else None,
            r.get("kind", ARGUMENTS),
        )
        for r in data["rounds"]
    )
    return Format(data["name"], timedelta(seconds=data["pre_vote"]), rounds,
                  timedelta(seconds=data["post_vote"]), _spans(data.get("remind_before", ())),
                  bool(data.get("restate")), tuple(data.get("voting", ())))


def _spans(seconds: list[float]) -> tuple[timedelta, ...]:
    return tuple(timedelta(seconds=s) for s in seconds)


def message_json(out: Outgoing) -> str:
    """The outbox body: the message, or what to draw when it is sent."""
    if out.message is None:
        return json.dumps({"render": out.render})
    message = out.message
    data: dict[str, Any] = {"text": message.text, "kind": message.kind}
    if message.title:
        data["title"] = message.title
    if message.footer:
        data["footer"] = message.footer
    if message.fields:
        data["fields"] = [[f.name, f.value, f.inline] for f in message.fields]
    if message.buttons:
        data["buttons"] = [[b.label, b.command, [list(a) for a in b.args], b.style, b.form] for b in message.buttons]
    if message.files:
        data["files"] = [[f.name, base64.b64encode(f.data).decode(), f.media_type] for f in message.files]
    if out.close_thread:
        data["close_thread"] = True
    if out.direct_to:
        data["direct_to"] = out.direct_to
    if message.chart:
        data["chart"] = {
            "title": message.chart.title,
            "labels": list(message.chart.labels),
            "series": [[name, list(values)] for name, values in message.chart.series],
        }
    return json.dumps(data, ensure_ascii=False)


def message_from(text: str) -> Message | None:
    data = json.loads(text)
    if "render" in data:
        return None
    chart = data.get("chart")
    return Message(
        text=data["text"],
        title=data.get("title"),
        footer=data.get("footer"),
        kind=data.get("kind", "info"),
        fields=tuple(Field(n, v, i) for n, v, i in data.get("fields", ())),
        buttons=tuple(
            Button(label, cmd, tuple((k, v) for k, v in args), style, form)
            for label, cmd, args, style, form in data.get("buttons", ())
        ),
        chart=Chart(chart["title"], tuple(chart["labels"]), tuple((n, tuple(v)) for n, v in chart["series"]))
        if chart
        else None,
        files=tuple(File(name, base64.b64decode(data), kind) for name, data, kind in data.get("files", ())),
    )


def closes_thread(text: str) -> bool:
    return bool(json.loads(text).get("close_thread"))


def direct_of(text: str) -> str | None:
    return json.loads(text).get("direct_to")


def note_json(text: str) -> str:
    """The body of a message whose content was removed: what a scrubbed outbox row holds."""
    return json.dumps({"text": text, "kind": "info"}, ensure_ascii=False)
