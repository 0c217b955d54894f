"""`python -m bot run` serves Discord and Slack together in one process, from the settings alone."""

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import _run
from bot.clock import ManualClock
from bot.config import DiscordSettings, Settings, SlackSettings, StorageSettings
from tests.discord_support import MOTION, TOKEN_ENV
from tests.fakes.discord_fake import FakeDiscord
from tests.fakes.discord_fake.client import point_discord_at
from tests.fakes.slack_fake import FakeSlack, clear_proxy_env
from tests.slack_support import ALICE, APP_TOKEN_ENV, BOT_TOKEN_ENV, CHANNEL, MAYA, slack_env

ROOT = Path(__file__).resolve().parents[1]


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


async def test_the_same_form_mistake_gets_the_same_answer_under_the_same_field(sqlite_store, monkeypatch):
    """A member types "three" as the number of the argument they answer, in the "Add argument" form."""
    clear_proxy_env(monkeypatch)
    text = "A unilateral pause only moves frontier work to labs with fewer safeguards."
    async with FakeDiscord() as discord, FakeSlack() as slack:
        with point_discord_at(discord):
            monkeypatch.setenv(TOKEN_ENV, discord.token)
            slack_env(monkeypatch, slack)
            on_slack = await slack_form_answer(slack, sqlite_store, {"text": text, "side": "against",
                                                                     "argument": "three"})
            on_discord = await discord_form_answer(discord, sqlite_store, {"text": text, "side": ["against"],
                                                                           "argument": "three"})
    (field, label, said) = on_slack
    assert field == "argument" and "`argument` must be a whole number" in said
    assert on_discord == (field, label, said)  # the same words, under the same field


async def slack_form_answer(fake: FakeSlack, store, values: dict) -> tuple[str, str, str]:
    """(field, its label, the words under it) when the form is refused on Slack: the form stays open."""
    from tests.slack_support import Bot, buttons, posts, slack_settings, title_of

    async with Bot(fake, store, ManualClock(), slack_settings("socket")) as bot:
        await fake.slash_command("/debate", f'start motion:"{MOTION}"', user=MAYA, channel=CHANNEL)
        await fake.wait_for_response(timeout=5.0)
        await bot.settle()
        await bot.advance(minutes=15)
        [card] = [m for m in posts(fake) if title_of(m).startswith("Debate #1:")]
        mark = fake.mark()
        await fake.click_button(buttons(card)["Add argument"], user=ALICE, channel=CHANNEL, message_ts=card.ts)
        view = (await fake.wait_for_call("views.open", since=mark, timeout=5.0)).response["view"]
        state = {k: {k: {"type": "plain_text_input", "value": v}} for k, v in values.items()}
        submitted = await fake.submit_view(view["callback_id"], view_id=view["id"], user=ALICE,
                                           state_values=state)
        [(field, said)] = submitted.ack_payload["errors"].items()
        label = next(b["label"]["text"] for b in view["blocks"] if b["block_id"] == field)
        return field, label, said


async def discord_form_answer(fake: FakeDiscord, store, values: dict) -> tuple[str, str, str]:
    """(field, its label, the words) when the form is refused on Discord: answered titled with the
    field's label (a modal closes on submit)."""
    from tests.discord_support import Bot, answer, buttons, discord_settings, title_of

    async with Bot(fake, store, ManualClock(), discord_settings(fake)) as bot:
        await answer(fake, await fake.send_slash_command("debate start", {"motion": MOTION},
                                                         user=fake.moderator))
        await bot.settle()
        await bot.advance(minutes=15)
        [card] = [m for m in fake.messages_in(fake.channel) if title_of(m).startswith("Debate #1:")]
        shown = await fake.wait_for_callback(await fake.send_button_click(buttons(card)["Add argument"], card,
                                                                          user=fake.member))
        reply = await answer(fake, await fake.send_modal_submit(values, user=fake.member))
        assert reply.ephemeral
        [embed] = reply.body["embeds"]
        labels = {c["label"]: c["component"]["custom_id"] for c in shown.json["data"]["components"]}
        field = labels[embed["title"]]  # the title is the label of the field the value was typed in
        return field, embed["title"], embed["description"]


@pytest.mark.parametrize("variable,value,says", [
    ("DISCORD_TOKEN", "garbage", "is not a Discord bot token"),
    ("DISCORD_TOKEN", "Bot " + "MTIz.GhIjKl." + "a" * 38, 'starts with "Bot "'),
])
def test_a_bad_discord_token_is_explained_not_a_traceback(tmp_path, variable, value, says):
    env = {"STEELMAN__STORAGE__URL": f"sqlite:///{tmp_path / 's.db'}", "STEELMAN__DISCORD__ENABLED": "true",
           variable: value, "PATH": "/usr/bin:/bin"}
    for command in (["run"], ["discord", "invite-url"]):
        done = subprocess.run([sys.executable, "-m", "bot", *command], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 2, (command, done.stderr)
        assert says in done.stderr and "Traceback" not in done.stderr, (command, done.stderr)


def test_a_slack_bot_token_of_the_wrong_kind_is_explained(tmp_path):
    env = {"STEELMAN__STORAGE__URL": f"sqlite:///{tmp_path / 's.db'}", "STEELMAN__SLACK__ENABLED": "true",
           "SLACK_BOT_TOKEN": "xapp-1-A0FAKE0001-0000000001-wrongkind", "SLACK_APP_TOKEN": "xapp-1-A1-2-x",
           "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "SLACK_BOT_TOKEN" in done.stderr and "Traceback" not in done.stderr, done.stderr
