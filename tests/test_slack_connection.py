"""Staying connected (issue 14, item 16): a token Slack refuses stops `python -m bot run` at once with
exit status 2 and says which; a wedged Socket Mode connection is replaced by the watchdog."""

from __future__ import annotations

import asyncio
import os
import sys

import pytest

from tests.slack_support import (ALICE, APP_TOKEN_ENV, BOT_TOKEN_ENV, Bot, click, slack_settings,
                                 start_debate)
from tests.slack_support import clock, fake  # noqa: F401  (fixtures)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.parametrize("revoked", [APP_TOKEN_ENV, BOT_TOKEN_ENV])
async def test_a_revoked_token_stops_the_bot_with_a_clear_message(fake, tmp_path, revoked):
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("STEELMAN", "SLACK", "DISCORD"))}
    tokens = {BOT_TOKEN_ENV: fake.bot_token, APP_TOKEN_ENV: fake.app_token}
    tokens[revoked] = tokens[revoked][:5] + "revoked-0000"
    env = {**environ, **tokens, "STEELMAN__SLACK__ENABLED": "true", "STEELMAN__SLACK__API_URL": fake.api_url,
           "STEELMAN__SLACK__BOT_TOKEN_ENV": BOT_TOKEN_ENV, "STEELMAN__SLACK__APP_TOKEN_ENV": APP_TOKEN_ENV,
           "STEELMAN__STORAGE__URL": f"sqlite:///{tmp_path / 'steelman.db'}"}
    bot = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
                                               stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        _, stderr = await asyncio.wait_for(bot.communicate(), timeout=20)
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
    said = stderr.decode()
    assert bot.returncode == 2, said
    assert revoked in said and "invalid_auth" in said and "Traceback" not in said


async def test_a_wedged_socket_is_replaced_and_clicks_get_through_again(fake, sqlite_store, clock):
    async with Bot(fake, sqlite_store, clock, slack_settings("socket")) as bot:
        card = await start_debate(fake, bot)
        # The wedge of python-slack-sdk#1110: the client's own monitor and receiver have stopped, so
        # when the socket then dies nothing in slack_sdk notices or reconnects.
        socket = bot.platform._handler.client
        socket.current_session_monitor.cancel()
        socket.message_receiver.cancel()
        before = len(fake.socket.connections.items)
        await fake.socket_disconnect(send_message=False)
        await fake.wait_for_connection(before + 1, timeout=5.0)
        assert "stand with pause" in await click(fake, card, "pause", ALICE)
