"""Property-based tests over Slack's inbound payloads (issue 19, item 14), through the real slack-bolt
against the strict fake: slash commands for every command of the catalog with hostile option text, block
actions (the buttons the bot posted, and crafted action ids and values), view submissions and reactions.
A member gets a clean answer or a clean refusal, never the generic apology; the fake's fixture checks that
nothing the bot sent could notify anyone or link by itself. Payloads are drawn by Hypothesis
(derandomized, bounded) and played against one running bot (see tests/test_payload_properties.py)."""

from __future__ import annotations

from hypothesis import strategies as st

from bot import catalog
from bot.config import Limits
from tests.hostile import APOLOGY, INVISIBLE, any_text, hostile_text
from tests.slack_support import (ALICE, BOB, CHANNEL, MAYA, Bot, argument_ts, buttons, command,
                                 slack_settings, start_debate, text_of)
from tests.slack_support import clock, fake  # noqa: F401  (fixtures)
from tests.test_payload_properties import GENEROUS, draw

ENDS = {"forget-me", "debate close", "debate cancel", "debate next"}  # would end the debate under test


def slash_line(pick) -> tuple[str, str]:
    command_, values = pick
    path = command_.name.split()
    options = " ".join(f'{name}:"{value}"' for name, value in values.items())
    return "/" + path[0], " ".join([*path[1:], options])


lines = st.sampled_from([c for c in catalog.CATALOG if c.name not in ENDS and not c.button_only]).flatmap(
    lambda c: st.tuples(st.just(c), st.fixed_dictionaries(
        {}, optional={o.name: hostile_text.map(lambda t: t.replace('"', "'")[:300]) for o in c.options})))


async def submit_form(fake, card: str, values: dict[str, str]) -> str:
    """Open the card's argument form and submit it: what the member reads, the errors shown under the
    form's fields or the private answer after it."""
    message = fake.world.channels[CHANNEL].find(card)
    mark = fake.mark()
    await fake.click_button(buttons(message)["Add argument"], user=BOB, channel=CHANNEL, message_ts=card)
    opened = await fake.wait_for_call("views.open", since=mark, timeout=5.0)
    view = opened.response["view"]
    state = {name: {name: {"type": "plain_text_input", "value": value}} for name, value in values.items()}
    mark = fake.mark()
    submitted = await fake.submit_view(view["callback_id"], state_values=state, user=BOB, view_id=view["id"])
    assert submitted.acked_in_time
    errors = (submitted.ack_payload or {}).get("errors") or {}
    if errors:
        return "\n".join(errors.values())
    answered = await fake.wait_for_call("chat.postEphemeral", since=mark, timeout=5.0)
    return text_of(answered.params)


def assert_clean(text: str) -> None:
    assert APOLOGY not in text, text
    assert not INVISIBLE.search(text), repr(text)


async def test_slack_payloads_of_every_kind_get_clean_answers(fake, sqlite_store, clock):
    settings = slack_settings("socket").model_copy(update={"limits": Limits(**GENEROUS)})
    async with Bot(fake, sqlite_store, clock, settings) as bot:
        card = await start_debate(fake, bot)
        await bot.advance(minutes=15)
        assert "Argument #1" in await command(fake, "/argue", "debate:1 side:pause Compute is inspectable.")
        await bot.settle()
        argument = argument_ts(fake, card, 1)
        for pick, moderator in zip(draw(lines, 30), draw(st.booleans(), 30) * 2):
            name, text = slash_line(pick)
            assert_clean(await command(fake, name, text, MAYA if moderator else BOB))
        # the buttons the bot posted, clicked by members and the moderator
        for ts, label, who in draw(st.tuples(st.sampled_from([card, argument]), st.integers(0, 20),
                                             st.sampled_from([ALICE, BOB, MAYA])), 12):
            message = fake.world.channels[CHANNEL].find(ts)
            shown = sorted(buttons(message).items())
            if not shown:
                continue
            label, action = shown[label % len(shown)]
            if label in ("Add argument",):
                continue  # opens a form: below
            mark = len(fake.traffic.responses.items)
            await fake.click_button(action, user=who, channel=CHANNEL, message_ts=ts)
            for response in fake.traffic.responses.items[mark:]:
                assert_clean(text_of(response.body))
        # crafted action ids and values, as a forged or stale payload would carry them
        for action, value in draw(st.tuples(hostile_text.map(lambda t: t[:255] or "x"),
                                            hostile_text.map(lambda t: t[:2000])), 10):
            mark = len(fake.traffic.responses.items)
            clicked = await fake.click_button(action, value, user=BOB, channel=CHANNEL, message_ts=card,
                                              strict=False)
            assert clicked.acked_in_time  # else Slack shows the member an error of its own
            answered = await fake.wait_for_response(lambda r: "not one I know" in text_of(r.body), since=mark,
                                                    timeout=5.0)  # the button's answer, not a late one
            assert_clean(text_of(answered.body))
        # the form, submitted with hostile text
        for text in draw(any_text.map(lambda t: (t or "x")[:1500]), 5):
            assert_clean(await submit_form(fake, card, {"text": text, "side": "go-faster"}))
        for name, remove in draw(st.tuples(st.sampled_from(
                ["+1", "+1::skin-tone-3", "thumbsup", "-1", "heart", "x" * 100, "flag-ua"]),
                st.booleans()), 8):
            await (fake.remove_reaction if remove else fake.add_reaction)(ALICE, CHANNEL, argument, name)
        await bot.settle()
        await command(fake, "/steelman", "debate:1", BOB)
        await bot.advance(hours=3)  # results and the steelman repeat what members wrote
