"""What a member reads in the steelman: why a side has few points, why there is no common ground,
how the
sides split on a crux, in what order the picks come, and which engine wrote it."""

from __future__ import annotations

from bot import render
from bot.domain import State
from bot.summaries import Crux, Pick, SideRating, SteelmanReport
from bot.testing import Harness

THREE = (
    "A pause will not be global, so a unilateral pause just moves frontier work elsewhere.",
    "Interpretability research needs frontier-scale models to study, so stopping them starves safety.",
    "Compute limits are verifiable through chip supply chains, which makes a pause enforceable.",
)


def _field(message, prefix: str) -> str:
    return next(f.value for f in message.fields if f.name.startswith(prefix))


async def test_a_side_with_few_points_says_so_and_the_order_is_stated(harness: Harness):
    _, thread = await harness.start_debate(sides="pause, go faster")
    await harness.advance(minutes=15)
    for who, text in zip(("ada", "bo"), THREE):  # the steelman asks for 3 per side
        await harness.say(who, f"/argue side:go-faster {text}", thread=thread)
    reply = await harness.say("dee", "/steelman side:go-faster", thread=thread)
    body = _field(reply.message, "The case for go faster")
    assert "Only 2 distinct points were made." in body
    assert "the strongest argument comes first" in reply.message.text
    assert "extractive engine" in reply.message.footer
    everything = await harness.say("dee", "/steelman", thread=thread)
    common = _field(everything.message, "Common ground")
    assert "Common ground needs members on at least two sides." in common


async def test_a_closed_debate_says_its_summary_in_the_final_form_never_yet(harness: Harness):
    """Nothing endorsed across the sides, one side argued for, nobody's history: every "yet" while it runs
    is said in the final form once it is closed, in the results' steelman and in what members ask after."""
    _, thread = await harness.start_debate(sides="pause, go faster")
    running = await harness.say("dee", "/steelman", thread=thread)
    assert _field(running.message, "The case for pause") == "No arguments for this side yet."
    for who in ("ada", "cy", "eve"):
        await harness.say(who, "/position side:pause confidence:70", thread=thread)
    await harness.say("bo", "/position side:go-faster confidence:60", thread=thread)
    await harness.advance(minutes=15)
    await harness.say("bo", f"/argue side:go-faster {THREE[0]}", thread=thread)
    for who in ("ada", "cy", "eve"):  # only the other side endorses it: no common ground
        await harness.say(who, "/endorse argument:1", thread=thread)
    await harness.advance(hours=5)  # every round and the post-vote: the debate closes, results posted
    posted = [p.item.out.message for p in harness.chat.posts if p.item.out.message.kind == "steelman"]
    assert posted, "no steelman was posted with the results"
    for message in (posted[-1], (await harness.say("dee", "/steelman debate:1", thread=thread)).message):
        assert _field(message, "Common ground") == "No argument was endorsed across every side."
        assert _field(message, "The case for pause") == "Nobody argued for this side."
        assert "yet" not in " ".join(f.value for f in message.fields)
    history = await harness.say("dee", "/history debate:1", thread=thread)
    assert history.message.text == "You took no position in debate #1."
    status = await harness.say("dee", "/debate status debate:1", thread=thread)
    assert "yet" not in " ".join(f.value for f in status.message.fields)


def test_an_empty_summary_of_a_closed_debate_is_final():
    closed = _debate()
    closed.state = State.CLOSED
    message = render.steelman_summary(closed, SteelmanReport())
    assert _field(message, "Common ground") == "No argument was endorsed across every side."
    assert _field(message, "Open cruxes") == "None: no argument split the sides."
    assert _field(message, "The case for pause") == "Nobody argued for this side."
    running = render.steelman_summary(_debate(), SteelmanReport())
    assert _field(running, "Open cruxes") == "None yet."


class _Debate:
    """What the renderer reads of a debate."""

    number, motion, side_keys = 4, "Frontier AI labs should pause", ("pause", "go")
    state = State.ROUND
    tallies_hidden = False  # hidden voting, before close: no counts

    def label(self, key: str) -> str:
        return key


def _debate():
    return _Debate()


def test_a_crux_shows_how_the_sides_split_and_names_no_empty_answer():
    report = SteelmanReport(
        cruxes=[
            Crux(
                7,
                "pause",
                "Evaluations come first.",
                "Ada",
                5,
                (),
                split=0.6,
                side_shares=(("go", 0.2), ("pause", 0.8)),
            )
        ]
    )
    crux = _field(render.steelman_summary(_debate(), report), "Open cruxes")
    assert "go 20%, pause 80%" in crux
    assert "answered by" not in crux
    report.cruxes[0] = Crux(7, "pause", "Evaluations come first.", "Ada", 5, (9, 12), 0.6, ())
    assert "answered by #9, #12" in _field(
        render.steelman_summary(_debate(), report), "Open cruxes"
    )


def test_ratings_show_under_the_side_and_a_poor_one_offers_the_next_best():
    pick = Pick(3, "pause", "Weights cannot be un-trained.", "Ada", 1)
    report = SteelmanReport(sides={"pause": [pick]})
    good = {"pause": SideRating("pause", 4.2, 9, 3.0, 4)}
    body = _field(render.steelman_summary(_debate(), report, ratings=good), "The case for pause")
    assert "The pause side rated its steelman 4.2/5, n = 9" in body
    assert "other sides rated it fair to them 3.0/5, n = 4" in body and "more:yes" not in body
    poor = {"pause": SideRating("pause", 2.1, 5)}
    body = _field(render.steelman_summary(_debate(), report, ratings=poor), "The case for pause")
    assert "/steelman debate:4 side:pause more:yes" in body
    message = render.steelman_summary(_debate(), report)
    assert [b.label for b in message.buttons] == [f"pause {k}★" for k in range(1, 6)]
    assert message.buttons[2].args == (("debate", 4), ("side", "pause"), ("stars", 3))
    assert "Does this capture your view?" in message.text
