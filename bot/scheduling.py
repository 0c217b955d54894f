"""Pure rules of schedules: the `when:` a moderator types, as a cron expression; the zone, checked; the
run times it gives, in UTC, with daylight-saving transitions handled as a person expects.

Cron is evaluated on wall-clock time of the schedule's zone (croniter on naive local times), then each
wall time is placed on the UTC line: a time that does not exist (spring forward) runs at the first valid
moment after it; a time that exists twice (fall back) runs at its first occurrence only.
"""

from __future__ import annotations

import difflib
import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from croniter import croniter

from bot.errors import UserError

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_CRON_DAY = {d: (i + 1) % 7 for i, d in enumerate(DAYS)}  # cron counts from Sunday = 0
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_FIELDS = (
    ("minute", "0-59"),
    ("hour", "0-23"),
    ("day of month", "1-31"),
    ("month", "1-12 or jan-dec"),
    ("day of week", "0-6 (0 is Sunday) or sun-sat"),
)
_TIME = r"(\d{1,2}):(\d{2})"
_EVERY = re.compile(rf"^every\s+([a-z, ]+?)\s+(?:at\s+)?{_TIME}$")
_NTH = re.compile(
    rf"^(first|second|third|fourth)\s+([a-z]+)\s+of\s+(?:the|every)\s+month\s+(?:at\s+)?{_TIME}$"
)
SAMPLE = 50  # runs looked at when checking a schedule against the minimum interval


def _day(word: str) -> int:
    word = word.strip().rstrip("s")  # "fridays" reads like "friday"
    for name, number in _CRON_DAY.items():
        if word and name.startswith(word) and len(word) >= 3:
            return number
    raise UserError(
        f"{word!r} is not a day of the week.",
        "Use monday ... sunday, e.g. `every friday 18:00`.",
        option="when",
    )


def _clock(hour: str, minute: str) -> tuple[int, int]:
    h, m = int(hour), int(minute)
    if h > 23 or m > 59:
        raise UserError(
            f"{hour}:{minute} is not a time of day.",
            "Use 24-hour time, 00:00 to 23:59.",
            option="when",
        )
    return h, m


def _friendly(text: str) -> str | None:
    """A friendly form as cron, or None when `text` is not one."""
    if match := _EVERY.match(text):
        h, m = _clock(match.group(2), match.group(3))
        words = match.group(1).strip()
        if words == "day":
            return f"{m} {h} * * *"
        if words in ("weekday", "weekdays"):
            return f"{m} {h} * * 1-5"
        days = sorted({_day(w) for w in re.split(r"[ ,]+", words.replace(" and ", ",")) if w})
        return f"{m} {h} * * {','.join(map(str, days))}"
    if match := _NTH.match(text):
        h, m = _clock(match.group(3), match.group(4))
        return f"{m} {h} * * {_day(match.group(2))}#{_ORDINALS[match.group(1)]}"
    return None


def _check_fields(fields: list[str]) -> None:
    if len(fields) != 5:
        raise UserError(
            f"A cron expression has 5 fields (minute hour day-of-month month day-of-week); this has {len(fields)}.",
            "For example `0 18 * * 5` (Fridays 18:00), or write `every friday 18:00`.",
            option="when",
        )
    for i, (name, allowed) in enumerate(_FIELDS):
        probe = ["*"] * 5
        probe[i] = fields[i]
        if not croniter.is_valid(" ".join(probe)):
            raise UserError(
                f"The {name} field of the cron expression, {fields[i]!r}, is not valid.",
                f"The {name} field allows {allowed}, lists (1,3), ranges (1-5) and steps (*/2).",
                option="when",
            )


def parse_when(text: str) -> str:
    """The cron expression for `when:`: a friendly form or a 5-field cron expression."""
    spoken = " ".join(text.lower().split())
    cron = _friendly(spoken)
    if cron is not None:
        return cron
    if re.match(r"^(every|first|second|third|fourth)\b", spoken):
        raise UserError(
            f"I can't read {text!r} as a schedule.",
            "Try `every friday 18:00`, `every day 09:30`, `first monday of the month 19:30`, "
            "or a cron expression like `0 18 * * 5`.",
            option="when",
        )
    fields = spoken.split()
    _check_fields(fields)
    if not croniter.is_valid(" ".join(fields)):
        raise UserError(
            f"{text!r} is not a valid cron expression.", "For example `0 18 * * 5`.", option="when"
        )
    return " ".join(fields)


@lru_cache(maxsize=1)
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def zone(name: str) -> ZoneInfo:
    """The IANA zone named; an unknown name is refused with the closest real names."""
    try:
        if "/" in name or name.upper() == "UTC":
            return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    close = difflib.get_close_matches(name, _zone_names(), n=3, cutoff=0.6)
    hint = (
        f"Did you mean {' or '.join(close)}?"
        if close
        else "Use an IANA name such as Europe/Berlin or UTC."
    )
    raise UserError(f"{name!r} is not a time zone I know.", hint, option="zone")


def _to_utc(wall: datetime, tz: ZoneInfo) -> datetime:
    """Place a naive wall time of `tz` on the UTC line: its first occurrence, or, if the clocks skipped
    it, the first moment after the skip (the transition itself)."""
    first = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == wall:
        return first
    # In a gap: fold=1 reads it with the offset after the jump, which lands before the jump in UTC.
    moment = wall.replace(tzinfo=tz, fold=1).astimezone(UTC).replace(second=0, microsecond=0)
    while moment.astimezone(tz).replace(tzinfo=None) < wall:
        moment += timedelta(minutes=1)
    return moment


def runs(cron: str, tz: ZoneInfo, after: datetime, count: int) -> list[datetime]:
    """The next `count` run times strictly after `after`, in UTC, each once."""
    wall = after.astimezone(tz).replace(tzinfo=None) - timedelta(
        hours=3
    )  # fall back: see the repeat hour
    it = croniter(cron, wall)
    found: list[datetime] = []
    while len(found) < count:
        moment = _to_utc(it.get_next(datetime), tz)
        if moment > after and (not found or moment > found[-1]):
            found.append(moment)
    return found


def next_run(cron: str, tz: ZoneInfo, after: datetime) -> datetime:
    return runs(cron, tz, after, 1)[0]


def check_interval(cron: str, tz: ZoneInfo, now: datetime, minimum: timedelta) -> None:
    """Refuse a schedule whose runs come closer together than `minimum` (on its next SAMPLE runs)."""
    it = croniter(cron, now.astimezone(tz).replace(tzinfo=None))
    walls = [it.get_next(datetime) for _ in range(SAMPLE)]
    gap = min(b - a for a, b in zip(walls, walls[1:]))
    if gap < minimum:
        raise UserError(
            f"That schedule runs every {_span(gap)} at its closest; the minimum is {_span(minimum)}.",
            "Choose a less frequent time, e.g. `every friday 18:00`.",
            option="when",
        )


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes % 60:
        return f"{minutes} min"
    return f"{minutes // 60} h"


def missed(run_at: datetime, now: datetime, grace: timedelta) -> bool:
    """A run found late (the bot was down) still fires within the grace window; later it is skipped."""
    return now - run_at > grace


def describe(cron: str) -> str:
    """A short reading of the common shapes; the cron itself otherwise."""
    fields = cron.split()
    if (
        len(fields) == 5
        and fields[0].isdigit()
        and fields[1].isdigit()
        and fields[2:4] == ["*", "*"]
    ):
        at = f"{int(fields[1]):02d}:{int(fields[0]):02d}"
        dow = fields[4]
        if dow == "*":
            return f"every day {at}"
        if dow.isdigit():
            return f"every {DAYS[(int(dow) - 1) % 7]} {at}"
        if "#" in dow:
            day, nth = dow.split("#")
            ordinal = next(k for k, v in _ORDINALS.items() if v == int(nth))
            return f"{ordinal} {DAYS[(int(day) - 1) % 7]} of the month {at}"
    return f"cron `{cron}`"
