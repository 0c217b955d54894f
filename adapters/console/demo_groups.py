"""The demo's second act: two declared sides that hide three opinion groups (issue 18).

Twelve members declare "pause" or "go faster", but their agree / disagree / pass votes on nine
arguments divide them three ways: compute-governance members who want a pause, members of both sides
who care about open science and broad participation, and members who want to go faster on safety
research. The results show the three groups, what sets each apart, what all of them agree with, and the
opinion map (written as a file by the console).
"""

from __future__ import annotations

MOTION = "Governing compute is safer than governing software"

# group -> members with their declared side
GROUPS = {
    "compute": (("Ines", "pause"), ("Jon", "pause"), ("Kai", "pause"), ("Lea", "pause")),
    "open": (("Mo", "pause"), ("Nia", "pause"), ("Oli", "go-faster"), ("Pia", "go-faster")),
    "faster": (("Quin", "go-faster"), ("Ravi", "go-faster"), ("Sol", "go-faster"), ("Tam", "go-faster")),
}
# (author, side, text); each author's group agrees with what they wrote
ARGUMENTS = (
    ("Ines", "pause", "Chips are physical and data centres are visible: a licence for training runs above a "
     "compute threshold can actually be checked."),
    ("Jon", "pause", "Export controls on advanced chips buy time for evaluations to catch up, so they should "
     "stay and be tightened."),
    ("Mo", "pause", "Whoever controls the compute controls the models; new institutions that hold it repeat "
     "'you should not control it, but I should'."),
    ("Oli", "go-faster", "Open science and broad participation are the real safeguard: publish the research "
     "and let many groups check it."),
    ("Quin", "go-faster", "Frontier-scale models are needed to study interpretability; slowing them down "
     "slows safety research too."),
    ("Ravi", "go-faster", "A pause will not be global, so a unilateral one only moves frontier work to labs "
     "with fewer safeguards."),
    ("Kai", "pause", "Whatever we choose, evaluations and red-teaming results should be published before "
     "a frontier model ships."),
    ("Nia", "pause", "Decentralised creation of models keeps power from concentrating in a few labs or "
     "governments."),
    ("Lea", "pause", "Remote shutdown and inspectors at data centres should be tested early, for short "
     "periods, before we rely on them."),
)
# how each group votes on arguments 1-9: + agree, - disagree, 0 pass (everyone agrees with #7)
PATTERNS = {"compute": "++----+-+", "open": "--++0-++-", "faster": "---++++--"}
# a few members who are not quite typical of their group: (member, argument) -> their vote
OWN_MIND = {("Jon", 9): "0", ("Nia", 1): "0", ("Sol", 4): "0", ("Pia", 2): "+"}
VOTE = {"+": "agree", "-": "disagree", "0": "pass"}


def script(debate: int = 1, moderator: str = "Maya") -> tuple[str, ...]:
    """The lines members type, for debate number `debate` (the one this script starts)."""
    lines = [f"/as {moderator}", f'/debate start motion:"{MOTION}" sides:"pause, go faster" format:quick']
    members = [(name, side, group) for group, people in GROUPS.items() for name, side in people]
    for name, side, _ in members:
        lines += [f"/as {name}", f"/position side:{side} debate:{debate}"]
    lines += [f"/as {moderator}", f"/debate next phase:pre-vote debate:{debate}"]
    for author, side, text in ARGUMENTS:
        lines += [f"/as {author}", f"/argue side:{side} debate:{debate} text:{text}"]
    authors = {author: n for n, (author, _, _) in enumerate(ARGUMENTS, 1)}
    for name, _, group in members:
        lines.append(f"/as {name}")
        for n, mark in enumerate(PATTERNS[group], 1):
            mark = OWN_MIND.get((name, n), mark)
            if authors.get(name) != n:  # one's own argument is already one's agree vote
                lines.append(f"/vote argument:{n} vote:{VOTE[mark]} debate:{debate}")
    lines += ["/as Ines", f"/vote argument:1 vote:agree debate:{debate}",  # her own: refused, kindly
              f"/as {moderator}", f"/debate close debate:{debate}"]
    return tuple(lines)
