"""The pure rules of schedules: what `when:` means, and run times across daylight-saving changes."""

from datetime import UTC, datetime, timedelta

import pytest

from bot import scheduling
from bot.errors import UserError

BERLIN, NEW_YORK = scheduling.zone("Europe/Berlin"), scheduling.zone("America/New_York")
JAN_1 = datetime(2026, 1, 1, tzinfo=UTC)


def test_friendly_forms_become_cron():
    assert scheduling.parse_when("every friday 18:00") == "0 18 * * 5"
    assert scheduling.parse_when("Every  Fri at 6:05") == "5 6 * * 5"
    assert scheduling.parse_when("every monday, thursday 19:00") == "0 19 * * 1,4"
    assert scheduling.parse_when("every day 09:30") == "30 9 * * *"
    assert scheduling.parse_when("first monday of the month 19:30") == "30 19 * * 1#1"
    assert scheduling.parse_when("0 18 * * FRI") == "0 18 * * fri"


@pytest.mark.parametrize(
    "text, says",
    [
        ("61 18 * * 5", "minute field"),
        ("0 24 * * 5", "hour field"),
        (
            "0 18 * * 9",
            "day of week field of the cron expression, '9', is not valid. The day of week field allows 0-6",
        ),
        ("0 18 * 13 5", "month field"),
        ("0 18 * *", "has 5 fields"),
        ("every frday 18:00", "'frday' is not a day of the week"),
        ("every friday 25:00", "25:00 is not a time of day"),
        ("every friday at six", "Try `every friday 18:00`"),
    ],
)
def test_bad_when_says_what_is_wrong_and_what_is_allowed(text, says):
    with pytest.raises(UserError) as caught:
        scheduling.parse_when(text)
    assert says in str(caught.value) and caught.value.option == "when"


def test_an_unknown_zone_suggests_close_names():
    with pytest.raises(UserError) as caught:
        scheduling.zone("Europe/Berln")
    assert "Did you mean Europe/Berlin" in str(caught.value) and caught.value.option == "zone"


def test_a_schedule_more_frequent_than_the_minimum_is_refused():
    with pytest.raises(UserError, match="every 30 min at its closest; the minimum is 1 h"):
        scheduling.check_interval("0,30 9 * * 1", BERLIN, JAN_1, timedelta(hours=1))
    scheduling.check_interval("0 * * * *", BERLIN, JAN_1, timedelta(hours=1))


def test_a_weekly_berlin_schedule_keeps_18_local_across_both_changes():
    fridays = scheduling.runs("0 18 * * 5", BERLIN, JAN_1, 52)
    assert all(t.astimezone(BERLIN).hour == 18 and t.weekday() == 4 for t in fridays)
    utc_hours = {t.date().isoformat(): t.hour for t in fridays}
    assert (
        utc_hours["2026-03-27"] == 17 and utc_hours["2026-04-03"] == 16
    )  # clocks go forward on 29 March
    assert (
        utc_hours["2026-10-23"] == 16 and utc_hours["2026-10-30"] == 17
    )  # and back on 25 October


def test_a_weekly_new_york_schedule_keeps_local_time_across_both_changes():
    sundays = scheduling.runs("0 9 * * 0", NEW_YORK, JAN_1, 52)
    utc_hours = {t.date().isoformat(): t.hour for t in sundays}
    assert (
        utc_hours["2026-03-01"] == 14 and utc_hours["2026-03-08"] == 13
    )  # the change is that Sunday, 2:00
    assert utc_hours["2026-10-25"] == 13 and utc_hours["2026-11-01"] == 14


def test_a_0230_run_on_the_spring_forward_day_runs_once_at_the_first_valid_moment():
    nights = scheduling.runs("30 2 * * *", BERLIN, datetime(2026, 3, 27, 12, tzinfo=UTC), 4)
    assert nights[1] == datetime(
        2026, 3, 29, 1, 0, tzinfo=UTC
    )  # 03:00 CEST, the moment after the jump
    assert [t.date().day for t in nights] == [28, 29, 30, 31]


def test_a_0130_run_on_the_fall_back_day_runs_once_at_its_first_occurrence():
    nights = scheduling.runs("30 1 * * *", NEW_YORK, datetime(2026, 10, 31, 12, tzinfo=UTC), 3)
    assert nights == [
        datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
        datetime(2026, 11, 2, 6, 30, tzinfo=UTC),
        datetime(2026, 11, 3, 6, 30, tzinfo=UTC),
    ]
    during_the_repeat = datetime(
        2026, 11, 1, 6, 15, tzinfo=UTC
    )  # 01:15 EST, the second 01:xx hour
    assert scheduling.next_run("30 1 * * *", NEW_YORK, during_the_repeat) == nights[1]


def test_a_late_run_fires_within_the_grace_window_only():
    due = JAN_1
    assert not scheduling.missed(due, due + timedelta(minutes=30), timedelta(hours=1))
    assert scheduling.missed(due, due + timedelta(hours=3), timedelta(hours=1))
