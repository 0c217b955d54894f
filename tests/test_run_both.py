"""`python -m bot run` serves Discord and Slack together in one process, from the settings alone."""

import asyncio

from bot.cli import _run
from bot.config import DiscordSettings, Settings, SlackSettings, StorageSettings
from tests.discord_support import MOTION, TOKEN_ENV
from tests.fakes.discord_fake import FakeDiscord
from tests.fakes.discord_fake.client import point_discord_at
from tests.fakes.slack_fake import FakeSlack, clear_proxy_env
from tests.slack_support import APP_TOKEN_ENV, BOT_TOKEN_ENV, CHANNEL, MAYA, slack_env


async def test_run_serves_discord_and_slack_in_one_process(tmp_path, monkeypatch):
    clear_proxy_env(monkeypatch)
    async with FakeDiscord() as discord, FakeSlack() as slack:
        with point_discord_at(discord):
            monkeypatch.setenv(TOKEN_ENV, discord.token)
            slack_env(monkeypatch, slack)
            settings = Settings(
                storage=StorageSettings(url=f"sqlite:///{tmp_path / 'bot.db'}"),
                discord=DiscordSettings(enabled=True, token_env=TOKEN_ENV, dev_guilds=[discord.guild.id]),
                slack=SlackSettings(enabled=True, bot_token_env=BOT_TOKEN_ENV, app_token_env=APP_TOKEN_ENV,
                                    api_url=slack.api_url),
            )
            bot = asyncio.create_task(_run(settings))
            try:
                await slack.wait_for_connection(1, timeout=10)
                await discord.wait_for_request(lambda r: r.method == "PUT" and "/commands" in r.path, timeout=10)
                # Slack's command is answered and its card posted by the same process's agenda loop ...
                await slack.slash_command("/debate", f'start motion:"{MOTION}"', user=MAYA, channel=CHANNEL)
                card = await slack.wait_for_call("chat.postMessage", lambda c: MOTION in str(c.params), timeout=10)
                assert card.ok
                # ... and so is Discord's, in the other community.
                await discord.send_slash_command("debate start", {"motion": MOTION}, user=discord.moderator,
                                                 channel=discord.channel)
                posted = await discord.wait_for_request(
                    lambda r: r.method == "POST" and r.path.endswith("/messages") and MOTION in str(r.json),
                    timeout=10)
                assert posted.status == 200
            finally:
                bot.cancel()
                await asyncio.gather(bot, return_exceptions=True)
