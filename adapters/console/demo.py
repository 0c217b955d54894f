"""A scripted AI-policy debate played through the console room on a fast clock.

Seven members (one moderator), three sides plus undecided, all three rounds of the Oxford format,
endorsements across sides, rebuttals, minds changed with credit, a few mistakes members make, and the
results with the steelman of every side. A member asks to be reminded (`/remind me`) and gets a direct
message when the post-vote opens; a format may also post reminders in the thread before a round closes
(`remind_before`). Then the community chooses what comes next: members propose and
upvote motions, a moderator schedules a weekly debate from the queue, and a few days later it starts itself.
Then a debate whose two declared sides hide three opinion groups, found from members' votes
(demo_groups.py). Last, a short oxford-itt debate with hidden votes: an ideological Turing test
round, and rebuttals that restate what they answer.
"""

from __future__ import annotations

from adapters.console.demo_groups import script as groups_script
from adapters.console.room import ConsoleRoom

MOTION = "Frontier AI labs should pause training runs above 10^26 FLOP"

SCRIPT: tuple[str, ...] = (
    "/as Maya",
    f'/debate start motion:"{MOTION}" sides:"pause, slow down, go faster" format:oxford',
    "/in thread-1",
    # pre-vote
    "/as Ada", "/position side:pause confidence:70",
    "/as Bo", "/position side:go-faster confidence:80",
    "/as Chen", "/position side:slow-down confidence:60",
    "/as Dara", "/position side:undecided",
    "/as Eli", "/position side:go-faster confidence:55",
    "/as Femi", "/position side:pause confidence:65",
    "/as Gus", "/position side:undecided",
    "/as Eli", "/position side:accelerate",  # a side that does not exist: the reply lists the real ones
    "/as Dara", "/remind me",  # a direct message when the post-vote opens, to come back and vote again
    "/as Ada", "/argue side:pause Too early: the rounds have not begun.",
    "/clock +15m",
    # opening round
    "/as Ada",
    "/argue side:pause Nobody can yet say what a model trained with 10^26 FLOP will be able to do. A pause gives "
    "evaluations and interpretability time to catch up, because weights that exist cannot be un-trained.",
    "/as Bo",
    "/argue side:go-faster A pause will not be global. If only the careful labs stop, frontier work moves to "
    "places with fewer safeguards, so a unilateral pause makes the world less safe, not more.",
    "/as Chen",
    "/argue side:slow-down A slowdown is not a pause: a coordinated, noticeably smaller next training run is a "
    "first step labs could actually agree on, and it keeps safety teams working at the frontier.",
    "/as Eli",
    "/argue side:go-faster Interpretability research needs frontier-scale models to study. Going faster should "
    "mean red-teaming, evaluations and transparency that keep pace with capability.",
    "/as Femi",
    "/argue side:pause Compute is the one lever we can inspect: chips are physical, data centres are visible, and "
    "a 10^26 FLOP threshold can be checked, while published software progress cannot be taken back.",
    "/as Ada",
    "/argue side:pause Weights cannot be un-trained, so once a 10^26 FLOP model exists the risk is already out "
    "there; a pause lets evaluations catch up before that happens.",
    "/as Gus",
    "/argue side:slow-down @everyone read this: prioritise evaluations until they keep up, even if that risks "
    "pushing progress into software that is harder to control.",
    # endorsements, across sides
    "/as Bo", "/endorse argument:3", "/endorse argument:5",
    "/as Ada", "/endorse argument:3", "/endorse argument:1",  # her own argument: politely refused
    "/as Eli", "/endorse argument:5", "/endorse argument:3",
    "/as Chen", "/endorse argument:2", "/endorse argument:4",
    "/as Dara", "/endorse argument:2", "/endorse argument:3", "/endorse argument:5",
    "/as Femi", "/endorse argument:2", "/endorse argument:1",
    "/as Bo", "/debate next",  # not a moderator: refused
    "/clock +1h",
    # rebuttal round
    "/as Ada",
    "/rebut argument:2 Labs elsewhere depend on the same few chip suppliers, so a pause backed by export "
    "controls need not be unilateral.",
    "/as Bo",
    "/rebut argument:1 Evaluations only improve by running them on frontier models; a pause freezes the very "
    "research that would tell us when it is safe to go on.",
    "/as Chen",
    "/rebut argument:4 Studying frontier models does not require training ever larger ones every few months; a "
    "smaller next run still leaves plenty to study.",
    "/as Femi",
    "/rebut argument:2 If the worry is who holds power, a verifiable compute threshold is easier to enforce "
    "fairly than any rule aimed at software.",
    "/as Dara", "/position side:slow-down confidence:60 credit:3 reason:A smaller coordinated run seems doable.",
    "/as Eli", "/endorse argument:10", "/position side:slow-down confidence:50 credit:10",
    "/as Gus", "/endorse argument:8", "/endorse argument:10",
    "/clock +1h",
    # closing round
    "/as Chen",
    "/argue side:slow-down Both camps want evaluations that keep pace with capability; a coordinated slowdown "
    "with compute reporting gets that without betting everything on a global pause.",
    "/as Bo",
    "/argue side:go-faster Go faster on safety: fund red-teaming and evaluations now, publish the results, and "
    "let capability grow only as fast as we can check it.",
    "/as Ada", "/endorse argument:13", "/endorse argument:12",
    "/as Femi", "/endorse argument:13", "/endorse argument:12",
    "/as Eli", "/endorse argument:12",
    "/as Bo", "/endorse argument:12",
    "/as Maya", "/debate status",
    "/clock +30m",
    # post-vote
    "/as Ada", "/position side:slow-down confidence:55 credit:12",
    "/as Gus", "/position side:slow-down confidence:40 credit:12",
    "/as Bo", "/position side:go-faster confidence:65",
    "/clock +15m",
    "/as Dara", "/history",
    "/debate list all:yes",
    # what next: the motion queue and a weekly scheduled debate
    "/in #ai-policy",
    "/as Chen", '/motion propose text:"Open-weight models above 10^25 FLOP should need a licence"',
    "/as Bo", '/motion propose text:"Frontier labs should publish their evaluation results before release"',
    "/as Eli", '/motion propose text:"Open weight models above 10^25 FLOP should need licences"',  # near-duplicate
    "/as Ada", "/motion upvote motion:2", "/as Dara", "/motion upvote motion:2", "/motion upvote motion:1",
    "/as Bo", "/motion upvote motion:2",  # his own motion: refused
    "/motion list",
    "/as Maya", '/schedule add when:"every friday 18:00" zone:Europe/Berlin from:queue format:quick',
    "/schedule list",
    "/clock +92h",  # to Friday 17:00 UTC (18:00 in Berlin): the top motion's debate starts by itself
    "/debate list",
)

# An ideological Turing test (format oxford-itt, votes hidden until close): each member writes the case of
# a side they do not hold, that side judges it; rebuttals restate what they answer, and authors accept.
ITT_SCRIPT: tuple[str, ...] = (
    "/in #ai-policy",
    "/as Maya",
    '/debate start motion:"Compute governance is safer than software governance" '
    'sides:"govern compute, govern software" format:oxford-itt voting:hidden',
    "/in thread-4",  # the fourth debate of the demo (see DEMO)
    "/as Femi", "/position side:govern-compute",
    "/as Chen", "/position side:govern-compute",
    "/as Bo", "/position side:govern-software",
    "/as Eli", "/position side:govern-software",
    "/as Dara", "/position side:undecided",
    "/clock +15m",
    "/as Femi", "/argue Chips are physical and few fabs make them: compute can be counted, inspected and, if "
    "need be, destroyed, while a published algorithm cannot be taken back.",
    "/as Bo", "/argue Software rules reach what people actually deploy; compute caps age quickly as "
    "algorithms get more efficient per FLOP.",
    "/clock +1h",
    # the ITT round
    "/as Bo", '/itt write side:govern-compute text:"Compute is the one input you can see from orbit: data '
    'centres, power draw, a handful of chip makers. Controls there can be tested for short periods and '
    'undone, and they buy room for a safety tax while software progress cannot be recalled."',
    "/as Eli",
    '/itt write side:govern-compute text:"Compute governance is good because chips are expensive."',
    "/as Femi", '/itt write side:govern-software text:"Efficiency gains make every compute threshold leak: '
    'the rules that last govern what models are allowed to do once deployed, wherever they were trained."',
    "/as Femi", '/itt write side:govern-compute text:"..."',  # her own side: refused
    "/as Dara", '/itt write side:govern-compute text:"..."',  # undecided: no side to write against
    "/as Femi", "/itt rate entry:1 verdict:yes", "/itt rate entry:2 verdict:no",
    "/as Chen", "/itt rate entry:1 verdict:yes", "/itt rate entry:2 verdict:no",
    "/as Bo", "/itt rate entry:3 verdict:yes", "/itt rate entry:1 verdict:yes",  # not his side: refused
    "/as Eli", "/itt rate entry:3 verdict:yes",
    "/clock +1h",
    # rebuttals restate what they answer; the author accepts
    "/as Bo",
    "/rebut argument:1 Efficiency gains mean the same capability needs ever fewer chips.",  # refused
    '/rebut argument:1 restatement:"Chips can be counted and recalled; code cannot" text:"Counting chips '
    'tells you little once the same capability needs ten times fewer of them."',
    "/as Femi", "/restatement rebuttal:3 accept:yes",
    "/as Maya", "/debate status",  # the counts stay hidden until the post-vote closes
    "/clock +90m",  # closing, then the post-vote
    "/as Eli", "/position side:govern-compute credit:1",
    "/clock +15m",
)

# then a third debate (the second is the scheduled one), whose two declared sides hide three opinion
# groups, and a fourth: the short oxford-itt one
DEMO: tuple[str, ...] = (*SCRIPT, "/in #ai-policy", *groups_script(debate=3), *ITT_SCRIPT)


async def play(room: ConsoleRoom, script: tuple[str, ...] = SCRIPT) -> None:
    await room.start()
    for line in script:
        await room.handle(line)
