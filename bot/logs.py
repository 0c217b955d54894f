"""Logs an operator can use: one line per event, with the same named fields in text and in JSON.

    event(log, "command", space="slack:T01", debate=3, command="argue", outcome="ok", ms=4.2)

gives `command space=slack:T01 debate=3 command=argue outcome=ok ms=4.2` as text, or one JSON
object per line with `--log-format json`. Fields are ids, names of commands and outcomes, never
member text or a secret: what members write stays in the store, and a log is often shipped to
people who are not members.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

FORMATS = ("text", "json")


def event(log: logging.Logger, name: str, level: int = logging.INFO, **fields: Any) -> None:
    if not log.isEnabledFor(level):
        return
    shown = " ".join(f"{k}={'-' if v is None else v}" for k, v in fields.items())
    log.log(level, "%s %s", name, shown, extra={"event": name, "fields": fields})


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and an event's own fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        if hasattr(record, "event"):
            line["event"] = record.event
            line.update(record.fields)
        else:
            line["message"] = record.getMessage()
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def configure(fmt: str = "text", level: int = logging.WARNING) -> None:
    """The process's logging: to stderr, in `fmt`. Libraries stay at WARNING even when we log INFO:
    their INFO lines are not events of ours, and some (HTTP access lines) are one per request."""
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level if level <= logging.DEBUG else logging.WARNING)
    logging.getLogger("steelman").setLevel(level)
