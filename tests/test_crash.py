"""One short run of the crash loop (tests/crash/loop.py; `.ci/run` runs ten per store): `python -m bot run`
SIGKILLed just after a post reached Slack and before it was recorded, while members send a burst of
commands; restarted, it must lose no acknowledged argument and post nothing twice."""

from __future__ import annotations

import argparse
import random

from tests.crash.loop import DEFAULT_PG, one_run
from tests.fakes.slack_fake import clear_proxy_env


def options(**changes) -> argparse.Namespace:
    base = dict(kills=1, burst=6, members=6, kill_window=1.0, kill_at="sent", answer_delay=0.1,
                pg_url=DEFAULT_PG)
    return argparse.Namespace(**{**base, **changes})


async def test_a_bot_killed_mid_delivery_loses_nothing_acknowledged_and_posts_nothing_twice(monkeypatch):
    clear_proxy_env(monkeypatch)
    run = await one_run("sqlite", 1, options(), random.Random(7))
    assert run.kills == 1 and run.kills_in_delivery == 1
    assert run.acknowledged > 0
    assert (run.lost, run.duplicates, run.integrity) == (0, 0, "ok"), run
