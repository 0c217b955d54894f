"""Property-based tests over every adapter's inbound payloads (issue 19, item 14), through the real
discord.py and slack-bolt against the strict fakes: Discord slash commands built from the commands the
bot registered (every option as Discord would send it: declared types, bounds, lengths and choices),
button clicks with crafted custom ids, modal submissions and reactions; Slack slash commands, block
actions with crafted values, view submissions and reactions. The text in them is hostile (tests/hostile.py).

Each member gets a clean answer or a clean refusal, never the generic apology; the fakes' fixtures check
that nothing the bot sent could ping or render a live mention or link. Hypothesis draws the payloads
(derandomized, bounded); they are then played against one running bot, so the suite stays fast."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st

from bot.config import Limits
from tests.discord_support import clock, fake  # noqa: F401 (pytest fixtures)
from tests.discord_support import DEFERRED, Bot, answer, discord_settings, text_of, title_of
from tests.hostile import APOLOGY, INVISIBLE, PIECES, any_text, hostile_text

STRING, INTEGER, BOOLEAN, NUMBER = 3, 4, 5, 10
GENEROUS = dict(arguments_per_minute=1000, arguments_per_debate=100000, position_changes_per_minute=1000,
                position_changes_per_debate=100000)


def draw(strategy: st.SearchStrategy, count: int) -> list:
    """`count` examples of `strategy`, drawn by Hypothesis (shrinking is given up: they run in a bot)."""
    found: list = []

    @settings(max_examples=count, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
              database=None)
    @given(strategy)
    def collect(example):
        found.append(example)

    collect()
    return found[:count]


def leaves(commands: dict[str, dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Every invocable command path the bot registered, with its declared options."""
    out = []

    def walk(path: str, node: dict[str, Any]) -> None:
        subs = [o for o in node.get("options") or [] if o.get("type") in (1, 2)]
        if not subs:
            out.append((path, node.get("options") or []))
        for sub in subs:
            walk(f"{path} {sub['name']}", sub)

    for name, command in commands.items():
        walk(name, command)
    return out


def clip(text: str, spec: dict[str, Any]) -> str:
    low, high = spec.get("min_length") or 1, spec.get("max_length") or 6000
    text = text[:high]
    return text if len(text) >= low else (text + "x" * low)[:max(low, len(text))]


def option_value(spec: dict[str, Any]) -> st.SearchStrategy:
    kind = int(spec["type"])
    if spec.get("choices"):
        return st.sampled_from([c["value"] for c in spec["choices"]])
    if kind == STRING:
        return any_text.map(lambda t: clip(t, spec))
    if kind in (INTEGER, NUMBER):
        return st.integers(min_value=spec.get("min_value", -(2**53)), max_value=spec.get("max_value", 2**53))
    if kind == BOOLEAN:
        return st.booleans()
    return st.nothing()


def invocation(path: str, options: list[dict[str, Any]]) -> st.SearchStrategy:
    usable = [o for o in options if int(o["type"]) in (STRING, INTEGER, NUMBER, BOOLEAN) or o.get("choices")]
    required = {o["name"]: option_value(o) for o in usable if o.get("required")}
    optional = {o["name"]: option_value(o) for o in usable if not o.get("required")}
    return st.tuples(st.just(path), st.fixed_dictionaries(required, optional=optional))


async def answer_text(fake: Any, interaction: Any, timeout: float = 10.0) -> str:
    """What the member reads: the callback's message, or for a deferred one the edit or the private
    follow-up that fills it (a public command's refusal goes privately)."""
    callback = await fake.wait_for_callback(interaction, timeout)
    assert callback.ok, f"Discord refused the answer: {callback.status} {callback.response}"
    if callback.json["type"] != DEFERRED:
        return text_of(callback.json.get("data") or {})
    prefix = f"/webhooks/{fake.app_id}/{interaction.token}"
    filled = await fake.wait_for_request(
        lambda c: c.path.startswith(prefix) and c.method in ("PATCH", "POST"), timeout=timeout)
    assert filled.ok, f"Discord refused the deferred reply: {filled.status} {filled.response}"
    return text_of(filled.json)


def assert_clean(text: str) -> None:
    assert APOLOGY not in text, text
    assert not INVISIBLE.search(text), repr(text)


async def test_discord_payloads_of_every_kind_get_clean_answers(fake, sqlite_store, clock):
    settings_ = discord_settings(fake).model_copy(update={"limits": Limits(**GENEROUS)})
    async with Bot(fake, sqlite_store, clock, settings_) as bot:
        started = await answer(fake, await fake.send_slash_command(
            "debate start", {"motion": "Compute governance is safer", "sides": "pause, go faster",
                             "format": "quick"}, user=fake.moderator))
        assert "has started" in started.text
        await bot.settle()
        [thread] = fake.threads()
        await bot.advance(minutes=5)
        await answer(fake, await fake.send_slash_command(
            "argue", {"text": "Compute can be inspected.", "side": "pause"}, user=fake.member,
            channel=thread))
        await bot.settle()
        registered = leaves(fake.commands(fake.guild.id))
        assert len(registered) > 20
        calls = draw(st.sampled_from(registered).flatmap(lambda leaf: invocation(*leaf)), 40)
        for (path, options), moderator, where in zip(calls, draw(st.booleans(), 40) * 2, [thread, None] * 40):
            if path in ("forget-me", "debate close", "debate cancel", "debate next"):
                continue  # they end the test's debate or its member; covered in the core's properties
            user = fake.moderator if moderator else fake.member
            sent = await fake.send_slash_command(path, options, user=user, channel=where)
            try:
                got = await answer_text(fake, sent)
            except TimeoutError as exc:
                raise AssertionError(f"/{path} {options!r} was never answered") from exc
            assert_clean(got)
        await bot.settle()
        card = next(m for m in fake.messages_in(fake.channel) if title_of(m).startswith("Debate #1:"))
        argument = next(m for m in fake.messages_in(thread) if title_of(m).startswith("#1 ·"))
        # Discord only carries clicks on components a message has: every button of the card and the
        # argument, by members and the moderator, in a drawn order (forms are answered with a modal)
        clickable = [(m, c["custom_id"]) for m in (card, argument) for row in fake.message(m.id).components
                     for c in row["components"] if c.get("custom_id")]
        for (message, custom_id), moderator in draw(st.tuples(st.sampled_from(clickable), st.booleans()), 15):
            user = fake.moderator if moderator else fake.other_member
            click = await fake.send_button_click(custom_id, message, user=user)
            clicked = await fake.wait_for_callback(click, 10)
            assert clicked.ok
            assert_clean(text_of(clicked.json.get("data") or {}))
        # reactions: only real emoji reach a bot (Discord checks them), of every kind
        emoji = ["👍", "👍🏽", "👍🏿", "👎", "🇺🇦", "❤️", "👨‍👩‍👧"]
        for each, remove in draw(st.tuples(st.sampled_from(emoji), st.booleans()), 10):
            react = fake.remove_reaction if remove else fake.add_reaction
            await react(argument, each, user=fake.other_member)
        # the form: opened from the card's button, submitted with hostile values
        add = next(c["custom_id"] for row in card.components for c in row["components"]
                   if c.get("label") == "Add argument")
        for text in draw(any_text.map(lambda t: (t or "x")[:1500]), 6):  # the form caps it at max_text
            click = await fake.send_button_click(add, card, user=fake.member)
            opened = await fake.wait_for_callback(click, 10)
            assert opened.ok and opened.json["type"] == 9, opened.json  # the form
            submitted = await fake.send_modal_submit({"text": text}, user=fake.member)
            assert_clean(await answer_text(fake, submitted))
        await bot.settle()
        await bot.advance(minutes=30)  # results and the steelman, repeating everything members wrote


PIECES_FOR_SLACK = [p for p in PIECES if "\x00" not in p]
