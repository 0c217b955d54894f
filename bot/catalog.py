"""The command catalog: every command declared once, with its handler beside it.

Discord options, Slack text parsing, console parsing, help text and the Slack manifest are all built from
`CATALOG`; the core runs a command by calling the handler its entry names. Adding a command is one entry
here plus its handler and test.
"""

from __future__ import annotations

from bot.commands import ARGUMENT, BOOL, CHOICE, DEBATE, INT, SIDE, TEXT, Command, Option
from bot.errors import UserError
from bot.handlers import (debates, itt, members, motions, privacy, reading, records, reminders,
                          restate, schedules, standing, steelman, votes)

def entry(handler, *args, **options) -> Command:
    """One command: its handler first, then what it is (name, description, options, who may run it)."""
    return Command(*args, handler=handler, **options)


_DEBATE = Option("debate", DEBATE, "Debate number (default: the debate of this thread)", min=1)
# Room for the most sides [limits] max_sides allows (10), each of the longest name (40), comma-separated.
SIDES_TEXT = 10 * 40 + 9 * len(", ")
_TEXT = Option("text", TEXT, "Your argument", required=True, limit_key="max_text", long=True)
VOTING_CHOICES = ("open", "hidden", "anonymous", "hidden-anonymous")
RESTATEMENT_MAX = 200  # one line: the gist of the argument answered, as its author would say it
_RESTATEMENT = Option("restatement", TEXT, "One line restating the argument you answer, as its author would "
                      "put it (formats with restate ask for it)", max_length=RESTATEMENT_MAX)

_SCHEDULE = Option("schedule", INT, "Schedule number (see /schedule list)", required=True, min=1)
_MOTION = Option("motion", INT, "Motion number (see /motion list)", required=True, min=1)

_SCHEDULE_AND_QUEUE: tuple[Command, ...] = (
    entry(
        schedules.add,
        "schedule add",
        "Run debates on a schedule (a fixed motion, the top of the motion queue, or a prompt)",
        (
            Option("when", TEXT, 'When: "every friday 18:00", "first monday of the month 19:30" or cron',
                   required=True, max_length=120),
            Option("zone", TEXT, "IANA time zone, e.g. Europe/Berlin (default from the settings)", max_length=64),
            Option("channel", TEXT, "Channel to post in (default: this one)", max_length=90),
            Option("format", CHOICE, "Debate format (rounds and durations)"),
            Option("motion", TEXT, "A fixed motion to debate each time", limit_key="max_motion"),
            Option("from", TEXT, "queue: debate the top motion of the queue each time", max_length=10),
            Option("prompt", TEXT, "A plain question to discuss, no rounds", limit_key="max_motion"),
        ),
        moderator=True,
        example='/schedule add when:"every friday 18:00" zone:Europe/Berlin from:queue',
    ),
    entry(schedules.list_, "schedule list", "Schedules with their next three runs, in their zone and UTC",
          reads=True),
    entry(schedules.pause, "schedule pause", "Pause a schedule", (_SCHEDULE,), moderator=True),
    entry(schedules.resume, "schedule resume", "Resume a paused schedule", (_SCHEDULE,), moderator=True),
    entry(schedules.remove, "schedule remove", "Remove a schedule", (_SCHEDULE,), moderator=True),
    entry(schedules.run_now, "schedule run-now", "Run a schedule once now", (_SCHEDULE,), moderator=True),
    entry(
        motions.propose,
        "motion propose",
        "Propose a motion for a future debate",
        (Option("text", TEXT, "The motion, as one sentence", required=True, limit_key="max_motion"),),
        example='/motion propose text:"Open-weight models above 10^25 FLOP should need a licence"',
    ),
    entry(motions.list_, "motion list", "The motion queue, most upvoted first", reads=True),
    entry(motions.upvote, "motion upvote", "Upvote a motion (one per member, not your own)", (_MOTION,)),
    entry(motions.withdraw_vote, "motion withdraw-vote", "Take back your upvote", (_MOTION,)),
    entry(motions.withdraw, "motion withdraw", "Withdraw a motion (its proposer or a moderator)", (_MOTION,)),
    entry(
        motions.reject,
        "motion reject",
        "Reject a motion from the queue, with a reason",
        (_MOTION, Option("reason", TEXT, "Why (posted, and kept)", required=True, max_length=300)),
        moderator=True,
    ),
)

CATALOG: tuple[Command, ...] = (
    entry(
        debates.start,
        "debate start",
        "Start a debate on a motion, with its own thread",
        (
            Option("motion", TEXT, "The motion, as one sentence", required=True, limit_key="max_motion"),
            Option("sides", TEXT, "Comma-separated sides (default: for, against)", max_length=SIDES_TEXT),
            Option("format", CHOICE, "Debate format (rounds and durations)"),
            Option("voting", CHOICE, "open, hidden (counts unseen until the post-vote closes), anonymous (no "
                   "names in results) or hidden-anonymous (default: the format's)", choices=VOTING_CHOICES),
        ),
        moderator=True,
        example='/debate start motion:"Frontier AI labs should pause training runs above 10^26 FLOP" '
        'sides:"pause, slow down, go faster"',
    ),
    entry(debates.status, "debate status", "Show a debate's phase, deadline and counts", (_DEBATE,),
          reads=True),
    entry(debates.list_, "debate list", "List this community's debates",
          (Option("all", BOOL, "Include finished ones"),), reads=True),
    entry(debates.next_, "debate next", "End the current phase now and move on",
          (Option("phase", TEXT, "The phase you mean to end (e.g. opening): protects against ending two",
                  max_length=40), _DEBATE), moderator=True),
    entry(
        debates.extend,
        "debate extend",
        "Give the current phase more time",
        (Option("minutes", INT, "Minutes to add", required=True, min=1, max=1440), _DEBATE),
        moderator=True,
    ),
    entry(debates.close, "debate close", "Close the debate now and post the results", (_DEBATE,), moderator=True, slow=True),
    entry(
        debates.cancel,
        "debate cancel",
        "Cancel a debate without results",
        (_DEBATE, Option("reason", TEXT, "Why (shown in the thread)", max_length=300)),
        moderator=True,
    ),
    entry(
        members.argue,
        "argue",
        "Add an argument for a side",
        (_TEXT, Option("side", SIDE, "The side it supports (default: your current side)"),
         Option("argument", ARGUMENT, "Number of the argument it answers, to make it a rebuttal", min=1),
         _RESTATEMENT, _DEBATE),
        example='/argue side:go-faster text:"A unilateral pause moves frontier work to labs with fewer safeguards."',
    ),
    entry(
        members.rebut,
        "rebut",
        "Answer a numbered argument",
        (
            Option("argument", ARGUMENT, "Number of the argument you answer", required=True, min=1),
            _TEXT,
            _RESTATEMENT,
            Option("side", SIDE, "The side your rebuttal supports (default: your current side)"),
            _DEBATE,
        ),
        example='/rebut argument:3 restatement:"A pause is unenforceable" '
        'text:"Compute controls can be tested for short periods first."',
    ),
    entry(
        restate.judge,
        "restatement",
        "Say whether a rebuttal's restatement of your argument is your point",
        (Option("rebuttal", ARGUMENT, "Number of the rebuttal that restates your argument", required=True,
                min=1),
         Option("accept", BOOL, "yes: that's my point (shown with the rebuttal); no: it is not",
                required=True),
         _DEBATE),
        example="/restatement rebuttal:5 accept:yes",
    ),
    entry(
        members.endorse,
        "endorse",
        "Endorse a strong argument (any side's)",
        (
            Option("argument", ARGUMENT, "Argument number", required=True, min=1),
            Option("withdraw", BOOL, "Take your endorsement back"),
            _DEBATE,
        ),
    ),
    entry(
        votes.vote,
        "vote",
        "Agree, disagree or pass on an argument (agree is the same as endorsing it); finds opinion groups",
        (
            Option("argument", ARGUMENT, "Argument number", required=True, min=1),
            Option("vote", CHOICE, "agree, disagree or pass (withdraw: take your vote back)", required=True,
                   choices=votes.CHOICES),
            _DEBATE,
        ),
        example="/vote argument:3 vote:disagree",
    ),
    entry(votes.groups, "groups", "The opinion groups members' votes reveal so far, and the opinion map",
          (_DEBATE,), slow=True),
    entry(
        members.position,
        "position",
        "Record where you stand now (your history is kept)",
        (
            Option("side", SIDE, "Your side, or undecided", required=True),
            Option("confidence", INT, "How sure you are, 0-100", min=0, max=100),
            Option("reason", TEXT, "Why, in a sentence", limit_key="max_reason"),
            Option("credit", ARGUMENT, "Number of the argument that moved you", min=1),
            _DEBATE,
        ),
        example="/position side:slow-down confidence:70 credit:4",
    ),
    entry(
        steelman.steelman,
        "steelman",
        "The strongest case for each side, common ground and open cruxes",
        (_DEBATE, Option("side", SIDE, "Only this side"),
         Option("more", BOOL, "With side: the next-best picks, when these do not capture it")),
        slow=True,
        reads=True,
    ),
    entry(
        records.export_,
        "export",
        "Export debates as a file only you see (csv, json, jsonl, md, html, polis)",
        (
            Option("format", CHOICE, "csv, json, jsonl, md, html or polis", required=True,
                   choices=("csv", "json", "jsonl", "md", "html", "polis")),
            _DEBATE,
            Option("all", BOOL, "Every debate of this community instead of one"),
            Option("pseudonymize", BOOL, "Replace every member by a stable pseudonym"),
        ),
        moderator=True,
        slow=True,
        example="/export format:html debate:1",
    ),
    entry(records.audit, "audit", "Recent moderator actions in this community",
          (Option("limit", INT, "How many (default 20)", min=1, max=50),), moderator=True, reads=True),
    entry(
        standing.leaderboard,
        "leaderboard",
        "Members whose arguments changed the most minds, and the most bridging arguments",
        (Option("period", CHOICE, "month (the last 30 days) or all", choices=("month", "all")),),
        slow=True,
        reads=True,
    ),
    entry(
        standing.remove_credit,
        "credit remove",
        "Remove credits you judge abusive from an argument",
        (
            Option("argument", ARGUMENT, "Number of the credited argument", required=True, min=1),
            Option("member", TEXT, "Only this member's credit (their name)", max_length=64),
            Option("reason", TEXT, "Why (kept in the audit log)", max_length=300),
            _DEBATE,
        ),
        moderator=True,
    ),
    entry(
        privacy.delete_argument,
        "argument delete",
        "Remove an argument's text (its number stays), with a reason",
        (
            Option("argument", ARGUMENT, "Argument number", required=True, min=1),
            Option("reason", TEXT, "Why (shown in its place)", required=True, max_length=200),
            _DEBATE,
        ),
        moderator=True,
    ),
    entry(privacy.forget_me, "forget-me",
          "Delete your positions, endorsements and ratings and remove your arguments' text",
          (Option("confirm", BOOL, "Yes: really forget me (asked with a button first)"),)),
    entry(
        steelman.rate,
        "steelman rate",
        "Rate a side's steelman 1-5: your own side's (does it capture your view?) or another's (is it fair?)",
        (Option("side", SIDE, "The side whose steelman you rate", required=True),
         Option("stars", INT, "1 (misses it) to 5 (captures it)", required=True, min=1, max=5), _DEBATE),
        button_only=True,
    ),
    entry(
        steelman.engine,
        "steelman-engine",
        "Choose who writes this community's steelman: members' own words, or a language model",
        (Option("use", TEXT, "extractive (nothing leaves the bot) or llm (sends arguments to a model)",
                required=True, max_length=20),),
        moderator=True,
    ),
    entry(
        itt.write,
        "itt write",
        "In an ITT round: write the strongest case for a side you do not hold (posted without your name)",
        (Option("side", SIDE, "The side whose case you write (not your own)", required=True),
         Option("text", TEXT, "That side's strongest case, as one of them would put it", required=True,
                limit_key="max_text", long=True), _DEBATE),
        example='/itt write side:pause text:"Weights cannot be un-trained: evaluations have to come first."',
    ),
    entry(
        itt.rate,
        "itt rate",
        "Judge an ITT entry written for your side: could someone on your side have written it?",
        (Option("entry", INT, "ITT entry number (shown in the thread)", required=True, min=1),
         Option("verdict", CHOICE, "yes (one of us could have written it) or no (it misses our case)",
                required=True, choices=("yes", "no")), _DEBATE),
        example="/itt rate entry:2 verdict:yes",
    ),
    entry(members.history, "history", "Your own positions over time, newest first",
          (_DEBATE, Option("page", INT, "Page (10 a page; 1 is the newest)", min=1)), reads=True),
    entry(reminders.remind_me, "remind me", "A direct message when the post-vote opens (if you pre-voted)",
          (_DEBATE,)),
    entry(reminders.remind_off, "remind off", "Cancel your /remind me for a debate", (_DEBATE,)),
    entry(reading.help_, "help", "What the bot does and how to use it",
          (Option("command", TEXT, "A command name"),), reads=True),
    *_SCHEDULE_AND_QUEUE,
)

BY_NAME: dict[str, Command] = {c.name: c for c in CATALOG}


def find(name: str) -> Command:
    command = BY_NAME.get(" ".join(name.split()).lower())
    if command is None:
        raise UserError(f"There is no command /{name}.", "Type /help to see every command.")
    return command


