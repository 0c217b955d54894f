"""Restate before you rebut (the `restate` format option, on in oxford-itt): a rebuttal starts with a
one-line restatement of the argument it answers; that argument's author accepts it ("that's my point")
or not, and an accepted restatement is shown with the rebuttal (its post is edited). On both stores."""

from __future__ import annotations

from bot.testing import Harness

CLAIM = "A unilateral pause only moves frontier work to labs with fewer safeguards."
GIST = "Pausing alone just hands the frontier to less careful labs"
ANSWER = "Compute controls through the chip supply chain make a pause close to global."


def post_of(h: Harness, title: str):
    """The message as members see it now: the last post or edit with this title."""
    return [p.item.out.message for p in h.chat.posts if p.item.out.message.title == title][-1]


async def rebuttal_round(h: Harness, fmt: str = "oxford-itt") -> str:
    _, thread = await h.start_debate(sides="pause, go faster", fmt=fmt)
    await h.say("ada", "/position side:pause", thread=thread)
    await h.say("bo", "/position side:go-faster", thread=thread)
    await h.advance(minutes=15)
    await h.say("bo", f'/argue side:go-faster text:"{CLAIM}"', thread=thread)  # #1
    return thread


async def test_a_rebuttal_must_restate_what_it_answers_where_the_format_asks(harness: Harness):
    thread = await rebuttal_round(harness)
    bare = await harness.say("ada", f'/rebut argument:1 text:"{ANSWER}"', thread=thread)
    assert bare.message.kind == "error" and bare.option == "restatement"
    assert "restating, in one line, the argument it answers (#1)" in bare.message.text
    also = await harness.say("ada", f'/argue argument:1 text:"{ANSWER}"', thread=thread)  # the form's route
    assert also.option == "restatement"
    two_lines = await harness.say("ada", f'/rebut argument:1 restatement:"one\nand two" text:"{ANSWER}"',
                                  thread=thread)
    assert two_lines.message.kind == "error" and "one line" in two_lines.message.text
    alone = await harness.say("ada", f'/argue restatement:"{GIST}" text:"{ANSWER}"', thread=thread)
    assert alone.message.kind == "error" and "argument:N" in alone.message.text
    long = await harness.say("ada", f'/rebut argument:1 restatement:"{"x" * 201}" text:"{ANSWER}"',
                             thread=thread)
    assert long.message.kind == "error" and "the limit is 200" in long.message.text

    posted = await harness.say("ada", f'/rebut argument:1 restatement:"{GIST}" text:"{ANSWER}"',
                               thread=thread)
    assert "Argument #2" in posted.message.text
    shown = post_of(harness, "#2 · pause (rebuts #1)")
    assert shown.text.startswith(f"Restating #1 (awaiting its author's answer): “{GIST}”")
    assert [b.label for b in shown.buttons][-2:] == ["That's my point", "Not my point"]


async def test_the_author_accepts_and_the_rebuttal_shows_it(harness: Harness):
    thread = await rebuttal_round(harness)
    await harness.say("ada", f'/rebut argument:1 restatement:"{GIST}" text:"{ANSWER}"', thread=thread)
    stranger = await harness.say("cy", "/restatement rebuttal:2 accept:yes", thread=thread)
    assert stranger.message.kind == "error" and "Only bo, who wrote #1" in stranger.message.text
    nothing = await harness.say("bo", "/restatement rebuttal:1 accept:yes", thread=thread)
    assert "restates no argument" in nothing.message.text

    accepted = await harness.say("bo", "/restatement rebuttal:2 accept:yes", thread=thread)
    assert "accepted #2's restatement of #1" in accepted.message.text
    shown = post_of(harness, "#2 · pause (rebuts #1)")
    assert shown.text.startswith(f"Restating #1 (its author: “that's my point”): “{GIST}”")
    assert [p for p in harness.chat.posts
            if p.item.edit_message_id and p.item.out.message.title.startswith("#2")]
    again = await harness.say("bo", "/restatement rebuttal:2 accept:yes", thread=thread)
    assert "already accepted" in again.message.text

    refused = await harness.say("bo", "/restatement rebuttal:2 accept:no", thread=thread)
    assert "taken off the rebuttal" in refused.message.text
    shown = post_of(harness, "#2 · pause (rebuts #1)")
    assert GIST not in shown.text and "was not accepted" in shown.text and ANSWER in shown.text

    async def read(uow):
        debate = await uow.debate(1, 1)
        return await uow.restatements(debate.id)

    [stored] = await harness.store.transact(read)
    assert (stored.rebuttal, stored.restates, stored.text, stored.accepted) == (2, 1, GIST, False)


async def test_without_the_option_a_rebuttal_needs_no_restatement_but_may_have_one(harness: Harness):
    thread = await rebuttal_round(harness, fmt="oxford")
    assert "Argument #2" in (await harness.say("ada", f'/rebut argument:1 text:"{ANSWER}"',
                                               thread=thread)).message.text
    assert post_of(harness, "#2 · pause (rebuts #1)").text == ANSWER
    await harness.say("ada", f'/rebut argument:1 restatement:"{GIST}" text:"{ANSWER} Again."', thread=thread)
    assert "awaiting its author" in post_of(harness, "#3 · pause (rebuts #1)").text
