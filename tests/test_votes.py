"""Agree / disagree / pass on arguments and the opinion groups they reveal (issue 18), through the core and
the console, on both stores."""

from __future__ import annotations

import re
from pathlib import Path

from adapters.console.demo_groups import script
from adapters.console.room import ConsoleRoom
from bot import bootstrap
from bot.clock import ManualClock
from bot.config import Settings
from bot.testing import Harness


async def play_script(h: Harness, lines: tuple[str, ...]) -> list[str]:
    """Play a console script's lines through the harness; the replies, in order."""
    who, said = "Maya", []
    for line in lines:
        if line.startswith("/as "):
            who = line[4:]
        else:
            said.append((await h.say(who, line)).message.text)
    return said


def posted(h: Harness, kind: str):
    return [p.item.out.message for p in h.chat.posts if p.item.out.message and p.item.out.message.kind == kind]


async def small_debate(h: Harness) -> str:
    _, thread = await h.start_debate(sides="pause, go faster")
    await h.say("ada", "/position side:pause", thread=thread)
    await h.advance(minutes=15)
    await h.say("ada", "/argue side:pause Weights cannot be un-trained, so evaluations come first.", thread=thread)
    await h.say("bo", "/argue side:go-faster A unilateral pause moves work to labs with fewer safeguards.",
                thread=thread)
    return thread


async def test_a_vote_is_kept_append_only_and_agree_is_the_endorsement(harness: Harness):
    thread = await small_debate(harness)
    say = lambda who, line: harness.say(who, line, thread=thread)  # noqa: E731
    assert "You disagree with #1 (pause)." == (await say("cy", "/vote argument:1 disagree")).message.text
    assert "You already disagree with #1." == (await say("cy", "/vote argument:1 vote:disagree")).message.text
    changed = (await say("cy", "/vote argument:1 agree")).message.text
    assert changed == "You agree with #1 (pause) (you voted disagree before). That is also your endorsement."
    assert "You already endorsed #1." == (await say("cy", "/endorse argument:1")).message.text  # one vocabulary
    assert "You pass on #1" in (await say("cy", "/vote argument:1 pass")).message.text
    withdrawn = await say("cy", "/endorse argument:1 withdraw:yes")  # a pass is not an endorsement
    assert "had not endorsed #1" in withdrawn.message.text and withdrawn.message.kind == "error"
    assert "withdrawn (you had voted pass)" in (await say("cy", "/vote argument:1 withdraw")).message.text
    assert "You endorsed #2" in (await say("cy", "/endorse argument:2")).message.text
    assert "You disagree with #2" in (await say("cy", "/vote argument:2 disagree")).message.text

    async def read(uow):
        d = (await uow.debates((await uow.spaces())[0].id))[0]
        return await uow.votes(d.id), await uow.endorsements(d.id)

    votes, endorsements = await harness.store.transact(read)
    assert [(v.argument, v.vote) for v in votes] == [
        (1, "disagree"), (1, "agree"), (1, "pass"), (1, "withdrawn"), (2, "agree"), (2, "disagree")]
    assert endorsements == []  # the disagree on #2 took the endorsement back with it


async def test_refusals_are_clear_and_change_nothing(harness: Harness):
    thread = await small_debate(harness)
    say = lambda who, line: harness.say(who, line, thread=thread)  # noqa: E731
    unknown = await say("cy", "/vote argument:9 agree")
    assert unknown.message.text.startswith("Debate #1 has no argument #9.") and unknown.option == "argument"
    own = await say("ada", "/vote argument:1 disagree")
    assert "#1 is your own argument: it already counts as your agree vote." in own.message.text
    bad = await say("cy", "/vote argument:1 vote:maybe")
    assert "There is no vote 'maybe'" in bad.message.text and "vote:agree, vote:disagree or vote:pass" in \
        bad.message.text and bad.option == "vote"
    nothing = await say("cy", "/vote argument:1 withdraw")
    assert "You had not voted on #1" in nothing.message.text
    await harness.say("Maya", "/debate close debate:1")
    closed = await say("cy", "/vote argument:2 agree")
    assert "Debate #1 is closed; you can no longer vote on arguments." in closed.message.text

    async def read(uow):
        d = (await uow.debates((await uow.spaces())[0].id))[0]
        return await uow.votes(d.id)

    assert await harness.store.transact(read) == []


async def test_the_same_event_twice_is_counted_once(harness: Harness):
    thread = await small_debate(harness)
    for _ in range(2):
        await harness.core.execute_text(harness.request("cy", thread=thread, event="click-7"),
                                        "/vote argument:2 disagree")
    await harness.core.execute_text(harness.request("cy", thread=thread, event="click-8"), "/vote argument:2 disagree")

    async def read(uow):
        d = (await uow.debates((await uow.spaces())[0].id))[0]
        return await uow.votes(d.id)

    assert [(v.member_id, v.vote) for v in await harness.store.transact(read)] == [("cy", "disagree")]


async def test_each_argument_carries_agree_disagree_and_pass_buttons(harness: Harness):
    await small_debate(harness)
    (first, _) = posted(harness, "argument")
    votes = [(b.label, b.command, b.args) for b in first.buttons if b.command == "vote"]
    assert votes == [(label, "vote", (("argument", 1), ("vote", value), ("debate", 1)))
                     for label, value in (("Agree", "agree"), ("Disagree", "disagree"), ("Pass", "pass"))]


async def test_too_few_votes_are_explained_in_the_results(harness: Harness):
    thread = await small_debate(harness)
    await harness.say("cy", "/vote argument:1 agree", thread=thread)
    asked = await harness.say("cy", "/groups", thread=thread)
    assert "Too few votes to find groups" in asked.message.text and asked.ephemeral
    await harness.say("Maya", "/debate close debate:1")
    (groups,) = posted(harness, "opinion")
    # Polis's rule: members with at least min(7, number of arguments) votes are counted
    assert "0 of 3 voting members voted on at least 2 of the 2 arguments" in groups.text
    assert "at least 5 such members are needed" in groups.text and not groups.files


async def test_two_declared_sides_hide_three_opinion_groups(harness: Harness):
    said = await play_script(harness, script(debate=1))
    assert "#1 is your own argument: it already counts as your agree vote." in said[-2]
    (groups,) = posted(harness, "opinion")
    assert groups.text.startswith("3 opinion groups among 12 members (A: 4, B: 4, C: 4)")
    assert "Declared sides do not tell these groups apart" in groups.text
    fields = {f.name: f.value for f in groups.fields}
    made_of = {name: fields[name].splitlines()[0] for name in ("Group A", "Group B", "Group C")}
    assert sorted(made_of.values()) == ["4 members: go faster 2, pause 2", "4 members: go faster 4",
                                        "4 members: pause 4"]
    mixed = next(fields[n] for n, v in made_of.items() if "go faster 2, pause 2" in v)
    # what sets the mixed group apart: open science and decentralisation (#3, #8), which no other group holds
    assert "agrees with #3 “Whoever controls the compute" in mixed and "agrees with #8" in mixed
    assert "100% of the group vs 0% of the others" in mixed
    assert fields["Every group agrees"].startswith("#7 “Whatever we choose, evaluations")
    assert "also common ground across declared sides" in fields["Every group agrees"]
    (chart,) = groups.files
    assert chart.name == "opinion-map.png" and chart.data.startswith(b"\x89PNG")
    order = [p.item.out.message.kind for p in harness.chat.posts if p.item.out.message]
    assert order[order.index("results"):][:3] == ["results", "opinion", "steelman"]  # with the results


async def test_members_who_agree_with_everything_are_flagged(harness: Harness):
    lines = script(debate=1)
    close = lines.index("/debate close debate:1") - 1
    extra = ["/as Uma", "/position side:go-faster debate:1",
             *[f"/vote argument:{n} vote:agree debate:1" for n in range(1, 10)]]
    await play_script(harness, (*lines[:close], *extra, *lines[close:]))
    (groups,) = posted(harness, "opinion")
    fields = {f.name: f.value for f in groups.fields}
    assert fields["Agreeing with everything"].startswith("1 member agreed with (nearly) every argument")


async def test_groups_on_request_are_posted_in_the_thread_with_the_map(harness: Harness):
    lines = script(debate=1)
    await play_script(harness, lines[:lines.index("/debate close debate:1") - 1])
    reply = await harness.say("eve", "/groups debate:1")
    assert reply.message.text.startswith("3 opinion groups among 12 members") and "posted in the thread" in \
        reply.message.text
    (groups,) = posted(harness, "opinion")
    assert groups.files[0].name == "opinion-map.png"


async def test_console_shows_the_three_groups_and_the_map(store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the console writes attachments under data/console-files/ here
    settings = Settings.model_validate({"console": {"moderators": ["Maya"]}})
    clock, lines = ManualClock(), []
    room = ConsoleRoom(bootstrap.build(settings, clock, store), settings, clock, lines.append)
    await room.start()
    for line in script(debate=1):
        await room.handle(line)
    transcript = "\n".join(lines)
    shown = transcript[transcript.index("【Opinion groups · debate #1】"):]
    assert "3 opinion groups among 12 members (A: 4, B: 4, C: 4)" in shown
    for group in ("Group A:", "Group B:", "Group C:"):
        assert group in shown
    assert "4 members: go faster 2, pause 2" in shown and "agrees with #8 “Decentralised creation" in shown
    assert "Every group agrees: #7 “Whatever we choose" in shown
    attached = shown.split("📎 ", 1)[1].split("\n", 1)[0]  # the console writes the map and shows its path
    assert attached.endswith("opinion-map.png") and Path(attached).read_bytes().startswith(b"\x89PNG")


async def test_the_html_report_holds_the_groups_and_the_map_without_names(harness: Harness):
    from tests.export_support import exported

    await play_script(harness, script(debate=1))
    space = (await harness.store.transact(lambda uow: uow.spaces()))[0]
    for pseudonymize in (False, True):
        page = (await exported(harness.store, space, "html", pseudonymize=pseudonymize)).decode()
        part = page[page.index("<h2>Opinion groups</h2>"):page.index("<h2>Arguments by side</h2>")]
        assert "3 opinion groups among 12 members" in part and "go faster 2, pause 2" in part
        assert "Every group agrees with: #7" in part
        assert part.count('id="chart-opinion-map-1"><img alt="Opinion map" src="data:image/png;base64,') == 1
        shown = re.sub(r'src="data:image/png;base64,[A-Za-z0-9+/=]+"', "", part)
        assert not re.search(r"\b(Ines|Mo|Quin|ines|mo)\b", shown)  # who is where stays out
