"""Platform-neutral messages. Adapters turn them into embeds, Block Kit or terminal text and apply limits."""

from __future__ import annotations

from datetime import datetime

from collections.abc import Mapping, Sequence

from bot.commands import Command
from bot.domain import ITT, Argument, Debate, Position, Restatement, UNDECIDED
from bot.messages import Button, Chart, Field, Message
from bot.summaries import SideRating, SteelmanReport
from bot.results import Results
from bot.cleaning import shorten


def when(at: datetime | None) -> str:
    return at.strftime("%a %d %b %H:%M UTC") if at else "-"


def _schedule(debate: Debate) -> str:
    fmt = debate.format
    steps = [f"pre-vote {_dur(fmt.pre_vote)}"]
    steps += [f"{r.name} {_dur(r.duration)}" for r in fmt.rounds]
    steps.append(f"post-vote {_dur(fmt.post_vote)}")
    return " → ".join(steps)


def _dur(delta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes and minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m" if minutes else f"{int(delta.total_seconds())}s"


HIDDEN_COUNTS = "hidden until the post-vote closes"


def voting_modes(debate: Debate) -> str:
    said = []
    if debate.format.hidden:
        said.append("hidden: no one sees the counts until the post-vote closes")
    if debate.format.anonymous:
        said.append("anonymous: the results show shares and moves, never who voted how")
    return "; ".join(said)


def card(debate: Debate, counts: dict[str, int], arguments: int) -> Message:
    """The debate's card in the channel, kept up to date."""
    stands = ", ".join(f"{debate.label(k)} {n}" for k, n in counts.items()) or (
        "no positions yet" if debate.state.active else "nobody took a position")
    if debate.tallies_hidden:
        stands = HIDDEN_COUNTS
    fields = [
        Field("Sides", ", ".join(f"{s.label} (`{s.key}`)" for s in debate.sides) + ", undecided"),
        Field("Format", f"{debate.format.name}: {_schedule(debate)}"),
        Field("Now", debate.phase_name + (f", until {when(debate.phase_ends_at)}" if debate.phase_ends_at else ""),
              inline=True),
        Field("Arguments", str(arguments), inline=True),
        Field("Positions", stands, inline=True),
    ]
    if debate.format.voting:
        fields.append(Field("Voting", voting_modes(debate)))
    buttons: tuple[Button, ...] = ()
    if debate.state.active:
        votes = tuple(
            Button(s.label, "position", (("side", s.key), ("debate", debate.number)), "primary")
            for s in debate.sides
        )
        buttons = votes + (
            Button("Undecided", "position", (("side", UNDECIDED), ("debate", debate.number))),
            Button("Add argument", "argue", (("debate", debate.number),), "success", form=True),
            Button("Steelman", "steelman", (("debate", debate.number),)),
        )
    return Message(
        text=f"Debate #{debate.number}: {debate.motion}",
        title=f"Debate #{debate.number}: {shorten(debate.motion, 200)}",
        fields=tuple(fields),
        buttons=buttons,
        footer=f"Started by {debate.started_by_name}. " + ("Vote with the buttons or /position; argue in the thread."
                                                            if debate.state.active else
                                                            f"This debate is {debate.phase_name}."),
        kind="card",
    )


def phase_started(debate: Debate) -> Message:
    name = debate.phase_name
    until = f" It ends {when(debate.phase_ends_at)}." if debate.phase_ends_at else ""
    if debate.phase == 0:
        text = (f"The pre-vote is open: where do you stand on the motion before the debate?{until}\n"
                f"Vote on the card or with `/position side:<{'|'.join(debate.side_keys)}|undecided>`.")
    elif debate.phase == debate.format.post_vote_phase:
        text = f"The rounds are over; the post-vote is open. Where do you stand now?{until}"
    elif debate.current_round and debate.current_round.kind == ITT:
        from bot import render_itt

        return render_itt.round_started(debate, until)
    else:
        spec = debate.current_round
        who = "every side"
        if spec and spec.sides:
            who = ", ".join(debate.sides[i - 1].label for i in spec.sides if i <= len(debate.sides))
        limit = f" Up to {spec.per_person_limit} per person." if spec and spec.per_person_limit else ""
        text = f"The **{name}** round has begun, for {who}.{until}{limit} Post with `/argue`, answer with `/rebut`."
    return Message(text=text, title=f"Debate #{debate.number}: {name}", kind="announcement")


# Agree is the endorsement (one vocabulary): the button records both.
VOTE_BUTTONS = (("Agree", "agree", "success"), ("Disagree", "disagree", "danger"),
                ("Pass", "pass", "secondary"))


def argument(debate: Debate, arg: Argument, restatement: Restatement | None = None) -> Message:
    answering = f" (rebuts #{arg.rebuts})" if arg.rebuts else ""
    buttons = [
        *(Button(label, "vote", (("argument", arg.number), ("vote", value), ("debate", debate.number)), style)
          for label, value, style in VOTE_BUTTONS),
        Button("Rebut", "rebut", (("argument", arg.number), ("debate", debate.number)), form=True),
    ]
    text = arg.text
    if restatement is not None:
        r = restatement
        if r.accepted:
            text = f"Restating #{r.restates} (its author: “that's my point”): “{r.text}”\n\n{text}"
        elif r.accepted is None:
            text = f"Restating #{r.restates} (awaiting its author's answer): “{r.text}”\n\n{text}"
        else:
            text = f"(Its restatement of #{r.restates} was not accepted by that argument's author.)\n\n{text}"
        judge = (("rebuttal", arg.number), ("debate", debate.number))
        buttons += [Button("That's my point", "restatement", (*judge, ("accept", "yes")), "primary"),
                    Button("Not my point", "restatement", (*judge, ("accept", "no")))]
    return Message(
        text=text,
        title=f"#{arg.number} · {debate.label(arg.side)}{answering}",
        footer=f"{arg.author_name} · {debate.format.phase_name(arg.phase)}",
        buttons=tuple(buttons),
        kind="argument",
    )


def notice(debate: Debate, text: str) -> Message:
    return Message(text=text, title=f"Debate #{debate.number}", kind="announcement")


def results(debate: Debate, r: Results, args: dict[int, Argument]) -> Message:
    keys = [*debate.side_keys, UNDECIDED]
    before, after = r.whole_shares(keys, "pre"), r.whole_shares(keys, "post")
    lines = [f"**{debate.label(k)}**: {b}% → {a}%" for k, b, a in zip(keys, before, after)]
    if r.late > 0:
        lines.append(f"{r.late} member{'s' if r.late != 1 else ''} took a position only after the pre-vote: "
                     "counted after, not before.")
    if r.winner == "tie":
        verdict = "No single side gained most: it is a tie."
    elif r.winner:
        verdict = f"**{debate.label(r.winner)}** gained most ({r.gains[r.winner]:+.0f} points) and wins."
    else:
        verdict = "Not enough votes before and after to name a winner."
    fields = [Field("Before → after", "\n".join(lines)),
              Field("Voters", f"{r.pre_total} before, {r.post_total} after", inline=True),
              Field("Changed their mind", str(len(r.moves)), inline=True)]
    if r.moves and not debate.format.anonymous:
        moved = [f"{m.member_name}: {debate.label(m.before)} → {debate.label(m.after)}"
                 + (f" (credits #{m.credited})" if m.credited else "") for m in r.moves]
        fields.append(Field("Who moved", "\n".join(moved)))
    if r.credited:
        best = [f"#{n} ({count} moved) {shorten(args[n].text, 120) if n in args else ''}" for n, count in r.credited[:5]]
        fields.append(Field("Arguments that changed minds", "\n".join(best)))
    chart = Chart(
        "Positions before and after",
        tuple(debate.label(k) for k in keys),
        (("before", tuple(r.share(k, "pre") for k in keys)), ("after", tuple(r.share(k, "post") for k in keys))),
    )
    return Message(text=verdict, title=f"Results of debate #{debate.number}: {shorten(debate.motion, 150)}",
                   fields=tuple(fields), chart=chart, kind="results")


def steelman_summary(debate: Debate, report: SteelmanReport, only: str | None = None,
                     ratings: Mapping[str, SideRating] | None = None, more: bool = False) -> Message:
    """Each side's case, common ground and cruxes, with how members rated it (bot/render_steelman.py)."""
    from bot import render_steelman

    return render_steelman.summary(debate, report, only, ratings, more)


def status(debate: Debate, counts: dict[str, int], arguments: int) -> Message:
    msg = card(debate, counts, arguments)
    return Message(text=msg.text, title=msg.title, fields=msg.fields, footer=msg.footer, kind="info")


def debate_list(debates: list[Debate], finished: int = 0) -> Message:
    """The debates asked for; `finished`: how many more ended ones the list leaves out."""
    more = (f"{finished} finished debate{'s are' if finished != 1 else ' is'} not shown: /debate list all:yes."
            if finished else "")
    if not debates:
        start = "A moderator can start one with /debate start."
        return Message(text=f"No debate is running here. {start} {more}".strip() if finished else
                       f"No debates here yet. {start}")
    lines = [f"#{d.number} [{d.phase_name}] {shorten(d.motion, 100)}" for d in debates]
    return Message(text="\n".join(lines + ([more] if more else [])), title="Debates")


def history(debate: Debate, entries: list[Position], page: int = 1, pages: int = 1) -> Message:
    """A page of a member's positions, newest first; the footer says how to see older ones."""
    if not entries:
        if not debate.state.active:
            return Message(text=f"You took no position in debate #{debate.number}.")
        return Message(text=f"You have not taken a position in debate #{debate.number} yet.")
    lines = []
    for p in entries:
        parts = [f"{when(p.recorded_at)} ({debate.format.phase_name(p.phase)}): {debate.label(p.side)}"]
        if p.confidence is not None:
            parts.append(f"{p.confidence}% sure")
        if p.credited:
            parts.append(f"moved by #{p.credited}")
        if p.reason:
            parts.append(f"“{p.reason}”")
        lines.append(", ".join(parts))
    title = f"Your positions in debate #{debate.number}, newest first"
    if pages > 1:
        title += f" (page {page} of {pages})"
    footer = (f"Older ones: /history debate:{debate.number} page:{page + 1}" if page < pages
              else "That is the first you took." if pages > 1 else None)
    return Message(text="\n".join(lines), title=title, footer=footer)


def help_text(catalog: Sequence[Command], command: Command | None, is_moderator: bool) -> Message:
    if command:
        options = "\n".join(f"`{o.name}`{'' if o.required else ' (optional)'}: {o.description}"
                            for o in command.options) or "No options."
        example = f"\nExample: `{command.example}`" if command.example else ""
        who = "Moderators only. " if command.moderator else ""
        return Message(text=f"{who}{command.description}.\nUsage: `{command.usage}`\n{options}{example}",
                       title=f"/{command.name}")
    lines = [f"`/{c.name}`: {c.description}" + (" (moderators)" if c.moderator else "")
             for c in catalog if is_moderator or not c.moderator]
    return Message(
        text="Steelman runs structured debates: a pre-vote, timed rounds of arguments, a post-vote, then the "
        "strongest case for every side.\n" + "\n".join(lines) + "\nFor one command: `/help command:argue`.",
        title="Steelman help",
    )


def bars(chart: Chart, width: int = 30) -> list[str]:
    """A chart as text bars (a title line, then one line per label and series)."""
    lines = [chart.title]
    label_width = max((len(label) for label in chart.labels), default=0)
    for i, label in enumerate(chart.labels):
        for name, values in chart.series:
            bar = "█" * round(values[i] / 100 * width)
            lines.append(f"  {label:<{label_width}} {name:<6} {bar} {values[i]:.0f}%")
    return lines
