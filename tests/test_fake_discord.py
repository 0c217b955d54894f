"""The fake Discord, proven against the real discord.py client over loopback.

Each test drives a tiny discord.Client with its own CommandTree (not our bot), so these tests pin the fake to
what discord.py 2.7 actually sends and expects; the Discord adapter's end-to-end tests then reuse the fake.
"""

from __future__ import annotations

import asyncio

import aiohttp
import discord
import pytest
import pytest_asyncio
from discord import app_commands

from tests.fakes.discord_fake import FakeDiscord, FastIdentifyMixin, point_discord_at, running

CALLBACK = "/interactions/*/callback"
EPHEMERAL = 1 << 6


class ArgueModal(discord.ui.Modal, title="Add an argument"):
    argument = discord.ui.TextInput(label="Your argument", custom_id="argument", max_length=500)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"Recorded: {self.argument.value}", ephemeral=True)


class DebateCard(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Argue", custom_id="debate:argue")
    async def argue(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_modal(ArgueModal())


class Probe(FastIdentifyMixin, discord.Client):
    """A minimal bot: a few guild commands, and a log of the errors its handlers met."""

    def __init__(self, guild_id: int, intents: discord.Intents | None = None) -> None:
        super().__init__(intents=intents or discord.Intents.default(), guild_ready_timeout=0.05)
        self.guild_id = guild_id
        self.tree = app_commands.CommandTree(self)
        self.errors: list[discord.HTTPException] = []
        self.message_ids: list[int] = []
        self.invokers: list[tuple[int, bool]] = []  # (user id, may manage the guild)
        self._define_commands(discord.Object(guild_id))

    async def setup_hook(self) -> None:
        await self.tree.sync(guild=discord.Object(self.guild_id))

    async def on_message(self, message: discord.Message) -> None:
        self.message_ids.append(message.id)

    def _define_commands(self, guild: discord.Object) -> None:
        @self.tree.command(guild=guild, description="Answer at once")
        async def ping(interaction: discord.Interaction) -> None:
            self.invokers.append((interaction.user.id, interaction.permissions.manage_guild))
            await interaction.response.send_message("pong")

        @self.tree.command(guild=guild, description="Think first, then follow up")
        async def slow(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.followup.send("done thinking")

        @self.tree.command(guild=guild, description="Answer after a delay")
        async def late(interaction: discord.Interaction, delay: float) -> None:
            await asyncio.sleep(delay)
            try:
                await interaction.response.send_message("too late?")
            except discord.HTTPException as exc:
                self.errors.append(exc)

        debate = app_commands.Group(name="debate", description="Structured debates")

        @debate.command(description="Open a debate on a motion")
        async def start(interaction: discord.Interaction, motion: str) -> None:
            await interaction.response.send_message(f"Motion: {motion}", view=DebateCard())

        @start.autocomplete("motion")
        async def motions(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            known = ["Pause frontier training runs", "Govern compute, not software"]
            return [app_commands.Choice(name=m, value=m) for m in known if current.lower() in m.lower()]

        self.tree.add_command(debate, guild=guild)


@pytest_asyncio.fixture
async def fake():
    async with FakeDiscord() as server:
        with point_discord_at(server):
            yield server


@pytest_asyncio.fixture
async def bot(fake: FakeDiscord):
    async with running(Probe(fake.guild.id), fake.token, timeout=3.0) as client:
        yield client


@pytest.mark.asyncio
async def test_login_connect_ready_and_guild_available(fake: FakeDiscord, bot: Probe) -> None:
    assert bot.user is not None and bot.user.id == fake.bot_user.id
    guild = bot.get_guild(fake.guild.id)
    assert guild is not None and not guild.unavailable
    assert guild.get_channel(fake.channel.id).name == "debates"
    assert guild.me.id == fake.bot_user.id  # without the members intent only the bot's member is cached
    assert guild.get_role(fake.moderator_role.id).permissions.manage_guild
    assert [f.t for f in fake.frames("sent", op=0)][:2] == ["READY", "GUILD_CREATE"]
    assert len(fake.frames("received", op=2)) == 1
    assert set(fake.commands(fake.guild.id)) == {"ping", "slow", "late", "debate"}
    assert all(call.authorized for call in fake.requests(path="/users/@me"))


@pytest.mark.asyncio
async def test_wrong_token_is_refused_with_401(fake: FakeDiscord) -> None:
    with pytest.raises(discord.LoginFailure):
        async with running(Probe(fake.guild.id), "not-the-token", timeout=2.0):
            pass
    assert fake.requests("GET", "/users/@me")[-1].status == 401


@pytest.mark.asyncio
async def test_slash_command_is_received_and_answered(fake: FakeDiscord, bot: Probe) -> None:
    interaction = await fake.send_slash_command("ping")
    call = await fake.wait_for_callback(interaction)
    assert call.status == 200 and call.json["type"] == 4 and call.json["data"]["content"] == "pong"
    assert not call.authorized  # discord.py authenticates callbacks by the interaction token only
    [message] = fake.messages_in(fake.channel)
    assert message.content == "pong" and message.id == fake.interaction(interaction.id).original_id
    moderated = await fake.send_slash_command("ping", user=fake.moderator)
    await fake.wait_for_callback(moderated)
    assert bot.invokers == [(fake.member.id, False), (fake.moderator.id, True)]


@pytest.mark.asyncio
async def test_deferred_response_then_followup_fills_the_reply(fake: FakeDiscord, bot: Probe) -> None:
    interaction = await fake.send_slash_command("slow")
    defer = await fake.wait_for_callback(interaction)
    assert defer.json["type"] == 5
    followup = await fake.wait_for_request(method="POST", path=f"/webhooks/{fake.app_id}/*")
    assert followup.status == 200 and followup.query["wait"] == "1"
    # Discord turns the first followup after a deferral into the deferred "thinking" reply itself.
    [message] = fake.messages_in(fake.channel)
    assert message.content == "done thinking" and followup.response["id"] == str(message.id)


@pytest.mark.asyncio
async def test_response_after_the_deadline_gets_10062(fake: FakeDiscord, bot: Probe) -> None:
    fake.ack_deadline = 0.05
    interaction = await fake.send_slash_command("late", {"delay": 0.1})
    call = await fake.wait_for_callback(interaction)
    assert call.status == 404 and call.response["code"] == 10062
    await _until(lambda: bot.errors)
    assert isinstance(bot.errors[0], discord.NotFound) and bot.errors[0].code == 10062
    assert fake.messages_in(fake.channel) == []


@pytest.mark.asyncio
async def test_second_initial_response_gets_40060(fake: FakeDiscord) -> None:
    async with running(Probe(fake.guild.id), fake.token, timeout=3.0):
        interaction = await fake.send_slash_command("ping")
        await fake.wait_for_callback(interaction)
    url = f"{fake.api_base}/interactions/{interaction.id}/{interaction.token}/callback"
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json={"type": 4, "data": {"content": "again"}}) as resp:
            assert resp.status == 400 and (await resp.json())["code"] == 40060


@pytest.mark.asyncio
async def test_429_is_retried_after_retry_after_and_recorded_once(fake: FakeDiscord, bot: Probe) -> None:
    fake.rate_limit("POST", "/channels/*/messages", retry_after=0.05)
    sent = await bot.get_channel(fake.channel.id).send("a point worth making")
    calls = fake.requests("POST", f"/channels/{fake.channel.id}/messages")
    assert [c.status for c in calls] == [429, 200]
    assert calls[1].at - calls[0].at >= 0.04
    assert [m.id for m in fake.messages_in(fake.channel)] == [sent.id]


@pytest.mark.asyncio
async def test_overlong_content_gets_50035(fake: FakeDiscord, bot: Probe) -> None:
    channel = bot.get_channel(fake.channel.id)
    with pytest.raises(discord.HTTPException) as caught:
        await channel.send("x" * 2001)
    assert caught.value.status == 400 and caught.value.code == 50035
    assert "content" in caught.value.text
    with pytest.raises(discord.HTTPException) as caught:
        await channel.send(embed=discord.Embed(title="t" * 257))
    assert caught.value.code == 50035 and "embeds.0.title" in caught.value.text
    assert fake.messages_in(fake.channel) == []


@pytest.mark.asyncio
async def test_dropped_gateway_resumes_and_replays_missed_events_once(fake: FakeDiscord, bot: Probe) -> None:
    await fake.drop_gateway(hold=True)
    missed = await fake.send_user_message("posted while the bot was offline")
    received = asyncio.ensure_future(bot.wait_for("message", check=lambda m: m.id == missed.id, timeout=2))
    fake.release_gateway()
    resume = await fake.wait_for_frame(direction="received", op=6)
    assert resume.d["session_id"] == fake.gateway.session.id
    assert fake.gateway.paths[resume.connection].startswith("/ws-resume?")  # READY's resume_gateway_url
    assert (await received).id == missed.id
    await fake.wait_for_frame(direction="sent", t="RESUMED")
    marker = await fake.send_user_message("after the resume")
    await bot.wait_for("message", check=lambda m: m.id == marker.id, timeout=2)
    assert bot.message_ids.count(missed.id) == 1  # replayed exactly once, before the later event
    [replayed] = [f for f in fake.frames("sent", t="MESSAGE_CREATE") if f.d["id"] == str(missed.id)]
    assert replayed.connection == resume.connection and replayed.s > resume.d["seq"]
    assert len(fake.frames("received", op=2)) == 1  # resumed, never re-identified


@pytest.mark.asyncio
async def test_reconnect_request_and_invalid_session(fake: FakeDiscord, bot: Probe) -> None:
    await fake.request_reconnect()
    await fake.wait_for_frame(direction="received", op=6)
    await fake.wait_for_frame(direction="sent", t="RESUMED")
    await fake.invalidate_session()
    await fake.wait_for_frame(lambda f: len(fake.frames("received", op=2)) == 2, direction="received", op=2)
    await fake.wait_for_frame(lambda f: len(fake.frames("sent", t="READY")) == 2, t="READY")
    interaction = await fake.send_slash_command("ping")
    assert (await fake.wait_for_callback(interaction)).status == 200


@pytest.mark.asyncio
async def test_button_opens_modal_and_submit_is_answered(fake: FakeDiscord, bot: Probe) -> None:
    started = await fake.send_slash_command("debate start", {"motion": "Pause runs above 10^26 FLOP"})
    await fake.wait_for_callback(started)
    card = fake.interaction(started.id).original_id
    click = await fake.send_button_click("debate:argue", card, user=fake.other_member)
    assert (await fake.wait_for_callback(click)).json["type"] == 9
    submit = await fake.send_modal_submit({"argument": "Compute is controllable"}, user=fake.other_member)
    call = await fake.wait_for_callback(submit)
    assert call.json["data"]["content"] == "Recorded: Compute is controllable"
    assert call.json["data"]["flags"] & EPHEMERAL


@pytest.mark.asyncio
async def test_reactions_threads_and_helpers_refuse_what_discord_refuses(fake: FakeDiscord, bot: Probe) -> None:
    sent = await bot.get_channel(fake.channel.id).send("Round one opens")
    seen = asyncio.ensure_future(bot.wait_for("raw_reaction_add", timeout=2))
    await fake.add_reaction(sent.id, "👍", user=fake.member)
    assert (await seen).message_id == sent.id
    gone = asyncio.ensure_future(bot.wait_for("raw_reaction_remove", timeout=2))
    await fake.remove_reaction(sent.id, "👍", user=fake.member)
    assert (await gone).user_id == fake.member.id
    thread = await sent.create_thread(name="Debate #1")
    assert thread.id == sent.id and fake.threads()[0].name == "Debate #1"
    await fake.wait_for_frame(direction="sent", t="THREAD_CREATE")
    await thread.send("Opening round: 10 minutes")
    assert fake.messages_in(thread.id)[0].content == "Opening round: 10 minutes"
    with pytest.raises(LookupError):
        await fake.send_slash_command("unknown")
    with pytest.raises(ValueError):
        await fake.send_slash_command("debate start", {})


@pytest.mark.asyncio
async def test_autocomplete_is_answered_with_choices(fake: FakeDiscord, bot: Probe) -> None:
    typing = await fake.send_autocomplete("debate start", {"motion": "comp"}, focused="motion")
    call = await fake.wait_for_callback(typing)
    assert call.json == {"type": 8, "data": {"choices": [
        {"name": "Govern compute, not software", "value": "Govern compute, not software"}]}}


@pytest.mark.asyncio
async def test_server_errors_and_closed_sockets_reach_the_caller(fake: FakeDiscord, bot: Probe) -> None:
    channel = bot.get_channel(fake.channel.id)
    fake.server_error("POST", "/channels/*/messages", status=503)  # 503 is not retried by discord.py
    with pytest.raises(discord.DiscordServerError):
        await channel.send("first try")
    fake.disconnect("POST", "/channels/*/messages")
    with pytest.raises(aiohttp.ClientError):
        await channel.send("second try")
    assert [(c.status, c.fault) for c in fake.requests("POST", "/channels/*/messages")] == [
        (503, "server_error"), (None, "disconnect")]
    assert (await channel.send("third try")).content == "third try"


@pytest.mark.asyncio
async def test_privileged_intents_and_message_content_are_enforced(fake: FakeDiscord, bot: Probe) -> None:
    seen = asyncio.ensure_future(bot.wait_for("message", timeout=2))
    await fake.send_user_message("Compute can be inspected; published weights cannot be recalled")
    assert (await seen).content == ""  # no MESSAGE_CONTENT intent requested: Discord blanks the content
    fake.privileged_intents = 0  # as if the developer portal had them all switched off
    wants_content = discord.Intents.default()
    wants_content.message_content = True
    with pytest.raises(discord.PrivilegedIntentsRequired):
        async with running(Probe(fake.guild.id, wants_content), fake.token, timeout=2.0):
            pass


async def _until(condition, timeout: float = 2.0) -> None:
    """Poll a condition the client updates, in small steps, within a bounded time."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


# ---- attachments and closing threads, as Discord enforces them -------------------------------------------


@pytest.mark.asyncio
async def test_attachments_arrive_as_multipart_and_over_the_size_cap_are_refused(fake: FakeDiscord,
                                                                                  bot: Probe) -> None:
    import io

    channel = bot.get_channel(fake.channel.id)
    sent = await channel.send("chart", file=discord.File(io.BytesIO(b"\x89PNG" + b"0" * 96), "chart.png"))
    [call] = fake.requests("POST", f"/channels/{fake.channel.id}/messages")
    assert call.files == ("chart.png",) and call.json["content"] == "chart"  # payload_json + file part
    [attachment] = fake.message(sent.id).attachments
    assert (attachment["filename"], attachment["size"]) == ("chart.png", 100)
    with pytest.raises(discord.HTTPException) as refused:
        await channel.send(file=discord.File(io.BytesIO(b"0" * (10 * 1024 * 1024 + 1)), "export.csv"))
    assert (refused.value.status, refused.value.code) == (413, 40005)


@pytest.mark.asyncio
async def test_an_archived_and_locked_thread_refuses_posts_with_50083(fake: FakeDiscord, bot: Probe) -> None:
    channel = bot.get_channel(fake.channel.id)
    first = await channel.send("card")
    thread = await bot.http.start_thread_with_message(fake.channel.id, first.id, name="Debate #1",
                                                      auto_archive_duration=10080)
    tid = int(thread["id"])
    await bot.get_partial_messageable(tid).send("the debate is closed")
    await bot.http.edit_channel(tid, archived=True, locked=True)
    assert [(t.archived, t.locked) for t in fake.threads()] == [(True, True)]
    with pytest.raises(discord.HTTPException) as refused:
        await bot.get_partial_messageable(tid).send("one more")
    assert refused.value.code == 50083


@pytest.mark.asyncio
async def test_create_dm_is_as_strict_as_discord(fake: FakeDiscord) -> None:
    """POST /users/@me/channels: exactly {"recipient_id"}; an unknown user is 10013, a bot 50007; the same
    channel comes back each time; a user whose settings refuse the bot's DMs is 50007 when posting."""
    url, auth = f"{fake.api_base}/users/@me/channels", {"Authorization": f"Bot {fake.token}"}
    async with aiohttp.ClientSession(headers=auth) as http:
        async def open_dm(body):
            async with http.post(url, json=body) as resp:
                return resp.status, await resp.json()

        assert (await open_dm({}))[1]["code"] == 50035
        assert (await open_dm({"recipient_id": "alice"}))[1]["code"] == 50035
        assert (await open_dm({"recipient_id": "1", "extra": 1}))[1]["code"] == 50035
        assert (await open_dm({"recipient_id": "12345"}))[1]["code"] == 10013
        assert (await open_dm({"recipient_id": str(fake.bot_user.id)}))[1]["code"] == 50007
        status, dm = await open_dm({"recipient_id": str(fake.member.id)})
        assert status == 200 and dm["type"] == 1 and dm["recipients"][0]["id"] == str(fake.member.id)
        assert (await open_dm({"recipient_id": str(fake.member.id)}))[1]["id"] == dm["id"]
        post = f"{fake.api_base}/channels/{dm['id']}/messages"
        async with http.post(post, json={"content": "hello"}) as resp:
            assert resp.status == 200 and "guild_id" not in await resp.json()
        fake.refuse_dms(fake.member)
        async with http.post(post, json={"content": "again"}) as resp:
            assert resp.status == 403 and (await resp.json())["code"] == 50007
        threads = f"{fake.api_base}/channels/{dm['id']}/threads"
        async with http.post(threads, json={"name": "x", "type": 11}) as resp:
            assert (await resp.json())["code"] == 50024  # no threads in a DM (a channel type without them)
