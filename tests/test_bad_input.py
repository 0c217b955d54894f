"""Every bad input a member can type gets a clear, specific reply, and nothing is stored."""

import pytest

from bot.config import Settings
from bot.testing import Harness
from tests.snapshot import snapshot

ARG = "A unilateral pause moves frontier work to labs with fewer safeguards."


async def in_round(h: Harness, space: str = "guild-1"):
    number, thread = await h.start_debate(space=space)
    await h.advance(minutes=15)  # the pre-vote ends: the opening round begins
    return number, thread


async def refused(h: Harness, who: str, line: str, *expected: str, **where) -> str:
    before = await snapshot(h.store)
    reply = await h.say(who, line, **where)
    text = reply.message.text
    assert reply.ephemeral and reply.message.kind == "error", text
    for part in expected:
        assert part in text, f"{part!r} not in {text!r}"
    assert await snapshot(h.store) == before, "a refused command changed stored data"
    return text


async def test_empty_or_blank_text(harness):
    _, thread = await in_round(harness)
    await refused(harness, "ada", '/argue side:pause text:"   "', "`text` is empty", thread=thread)
    await refused(harness, "ada", "/argue side:pause text:\u202e\u200f", "`text` is empty", thread=thread)


async def test_text_over_the_limit_names_the_limit(harness):
    _, thread = await in_round(harness)
    await refused(harness, "ada", f"/argue side:pause text:{'x' * 1501}", "1,501 characters", "limit is 1,500",
                  thread=thread)


async def test_side_that_does_not_exist_lists_the_valid_ones(harness):
    _, thread = await in_round(harness)
    await refused(harness, "ada", f"/argue side:accelerate {ARG}", "no side 'accelerate'",
                  "pause, slow-down, go-faster", thread=thread)
    await refused(harness, "ada", "/position side:maybe", "pause, slow-down, go-faster, undecided", thread=thread)


async def test_arguing_outside_the_thread_without_a_debate_says_how(harness):
    await in_round(harness)
    await refused(harness, "ada", f"/argue side:pause {ARG}", "not a debate's thread", "debate:1")


async def test_round_that_does_not_allow_your_side(store):
    settings = Settings.model_validate({"formats": {"duel": {
        "pre_vote": "5m", "post_vote": "5m",
        "rounds": [{"name": "pause opens", "duration": "10m", "sides": [1]}]}}})
    h = Harness(store, settings)
    _, thread = await h.start_debate(fmt="duel")
    await h.advance(minutes=5)
    await refused(h, "bo", f"/argue side:go-faster {ARG}", "pause opens round is for pause only", thread=thread)
    ok = await h.say("ada", f"/argue side:pause {ARG}", thread=thread)
    assert "Argument #1" in ok.message.text


async def test_limit_of_arguments_per_person(harness):
    _, thread = await in_round(harness)
    for n in (1, 2):
        assert f"#{n}" in (await harness.say("ada", f"/argue side:pause Point {n}: {ARG}", thread=thread)).message.text
    await refused(harness, "ada", f"/argue side:pause One more: {ARG}", "limit is 2 per person", thread=thread)


async def test_closed_debate_refuses_arguments_positions_and_endorsements(harness):
    number, thread = await in_round(harness)
    await harness.say("bo", f"/argue side:go-faster {ARG}", thread=thread)
    await harness.say("Maya", f"/debate close debate:{number}")
    await refused(harness, "ada", f"/argue side:pause {ARG}", "is closed", thread=thread)
    await refused(harness, "ada", "/position side:pause", "is closed", thread=thread)
    await refused(harness, "ada", "/endorse argument:1", "is closed", thread=thread)


async def test_debate_number_from_another_space_reads_as_missing(harness):
    await in_round(harness, space="other-guild")
    missing = await refused(harness, "ada", f"/argue debate:7 side:pause {ARG}", "no debate #7 here")
    elsewhere = await refused(harness, "ada", f"/argue debate:1 side:pause {ARG}", "no debate #1 here")
    assert missing.replace("#7", "#N") == elsewhere.replace("#1", "#N")


@pytest.mark.parametrize("line", ["/debate next debate:1", "/debate extend minutes:10 debate:1",
                                  "/debate close debate:1", "/debate cancel debate:1", '/debate start motion:"x y z"'])
async def test_moderator_commands_from_members(harness, line):
    await in_round(harness)
    await refused(harness, "bo", line, "for moderators only")


@pytest.mark.parametrize("value", ["101", "-1", "high"])
async def test_confidence_outside_0_to_100(harness, value):
    _, thread = await in_round(harness)
    await refused(harness, "ada", f"/position side:pause confidence:{value}", "`confidence`", thread=thread)


async def test_control_and_bidi_characters_are_stripped(harness):
    _, thread = await in_round(harness)
    await harness.say("ada", "/argue side:pause Chips\u202e are \x07visible\u2066 to inspectors.", thread=thread)
    async def read(uow):
        debate = await uow.debate_in_thread((await uow.space(harness.request("x").space, harness.clock.now())).id,
                                            thread)
        return await uow.arguments(debate.id)

    (stored,) = await harness.store.transact(read)
    assert stored.text == "Chips are visible to inspectors."


async def test_member_text_is_stored_as_typed_and_its_limit_counts_what_was_typed(harness):
    # Making mentions inert is each adapter's work when it renders (see the e2e suites); the core keeps
    # the member's words, so text full of both platforms' syntax at exactly the limit is accepted whole.
    _, thread = await in_round(harness)
    syntax = "@everyone @here <@123> <@!77> <@&456> <#9> <!channel> <!here> <!subteam^S1> "
    text = (syntax * 30)[:1499] + "!"
    assert len(text) == 1500
    reply = await harness.say("ada", f'/argue side:pause text:"{text}"', thread=thread)
    assert "Argument #1" in reply.message.text, reply.message.text

    async def read(uow):
        space = await uow.space(harness.request("x").space, harness.clock.now())
        return await uow.arguments((await uow.debate_in_thread(space.id, thread)).id)

    (stored,) = await harness.store.transact(read)
    assert stored.text == text


async def test_unknown_command_and_unknown_option(harness):
    await refused(harness, "ada", "/dance", "no command /dance", "/help")
    await refused(harness, "ada", "/argue sied:pause text", "has no option `sied`", "Did you mean `side:`?")
    await refused(harness, "ada", "/position side:pause colour:red", "has no option `colour`",
                  "Its options: side, confidence")  # no text can come here: not prose


@pytest.mark.parametrize("line", ["/endorse argument:99999999999999999999999", "/endorse argument:2147483648",
                                  "/debate status debate:9223372036854775808"])
async def test_numbers_beyond_any_stores_integers_get_a_clear_reply(harness, line):
    _, thread = await in_round(harness)
    text = await refused(harness, "ada", line, "must be between 1 and 2,147,483,647", thread=thread)
    assert "something went wrong" not in text


async def test_lone_surrogates_in_text_and_names_are_dropped_not_an_apology(harness):
    """Platforms' JSON can carry a lone UTF-16 surrogate; no store can keep one."""
    _, thread = await in_round(harness)
    reply = await harness.core.execute(harness.request("ada", thread=thread), "argue",
                                       {"side": "pause", "text": "Chips are \ud800visible to inspectors."})
    assert reply.message.kind != "error", reply.message.text
    named = harness.request("bo", thread=thread)
    named = type(named)(named.space, type(named.actor)("bo", "B\u202eo\udfff  the\nbold", False), named.channel_id,
                        named.thread_id)
    reply = await harness.core.execute(named, "argue", {"side": "go-faster", "text": "A pause is not global."})
    assert reply.message.kind != "error", reply.message.text
    data = await snapshot(harness.store)
    stored = data["arguments 1"]
    assert [a.text for a in stored] == ["Chips are visible to inspectors.", "A pause is not global."]
    assert stored[1].author_name == "Bo the bold"  # no override, no surrogate, one line
