"""SIGTERM (docker stop, systemctl stop): `python -m bot run` stops taking work, finishes or gives
back what is in flight, closes its connections and exits 0 within `[ops] shutdown_seconds`."""

from __future__ import annotations

import asyncio
import signal
import time

import aiohttp
import pytest

from tests.fakes.slack_fake import clear_proxy_env
from tests.ops_support import SHUTDOWN_SECONDS, Valve, running_bot, slack_with_secret_tokens
from tests.slack_support import CHANNEL, MAYA, MOTION

BOUND = SHUTDOWN_SECONDS + 2  # the process's own bound, plus the interpreter's exit


async def eventually(condition, timeout: float = 10, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := condition():
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"not within {timeout}s: {what}")


async def readyz(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(f"{url}/readyz") as answer:
        return answer.status, await answer.text()


@pytest.mark.parametrize(
    "slack_answers", [True, False], ids=["delivery-finishes", "delivery-hangs"]
)
async def test_sigterm_finishes_or_gives_back_the_delivery_in_flight_and_exits_0(
    tmp_path, monkeypatch, slack_answers
):
    clear_proxy_env(monkeypatch)
    async with slack_with_secret_tokens() as fake:
        valve = await Valve("127.0.0.1", fake.port).start()
        try:
            async with running_bot(fake, valve, tmp_path) as bot:
                connection = fake.socket.connections.items[-1]
                assert (await readyz(bot.ops_url))[0] == 200
                # Slack stops answering: the card's post is in flight when the signal comes
                valve.shut()
                await fake.slash_command(
                    "/debate", f'start motion:"{MOTION}"', user=MAYA, channel=CHANNEL
                )
                await eventually(
                    lambda: bot.rows(
                        "SELECT id FROM outbox WHERE claimed_by IS NOT NULL "
                        "AND delivered_at IS NULL"
                    ),
                    what="the card is being sent",
                )
                bot.proc.send_signal(signal.SIGTERM)
                signalled = time.monotonic()
                assert await readyz(bot.ops_url) == (
                    503,
                    "not ready: shutting down\n",
                )  # no more work here
                if slack_answers:
                    await asyncio.sleep(0.5)
                    valve.open()
                assert await bot.exits(BOUND) == 0, "".join(bot.lines)
                took = time.monotonic() - signalled
        finally:
            await valve.close()
        assert took < BOUND
        assert (
            connection.closed.is_set()
        )  # the Socket Mode connection was closed, not dropped at exit
        (stopped,) = bot.events("stopped")
        cards = [c for c in fake.calls("chat.postMessage") if MOTION in str(c.params)]
        (card,) = bot.rows(
            "SELECT delivered_at, claimed_by, lease_until FROM outbox ORDER BY id LIMIT 1"
        )
        if slack_answers:  # finished: posted once and recorded as delivered
            assert stopped["in_flight"] == "finished"
            assert len(cards) == 1 and card[0] is not None
        else:  # given back: another process (or the next start) sends it now, not after the lease
            assert stopped["in_flight"] == "cancelled"
            assert cards == [] and card == (None, None, None)
            assert bot.events("released")[0]["claims"] == 1
