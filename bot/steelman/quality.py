"""A transparent argument-quality heuristic, 0..1.

An argument scores for giving reasons (causal connectives), for evidence (numbers, studies, examples) and
for a sensible length; it loses for shouting and for insults. Every rule is one line a moderator could read
and agree with: the score explains itself, and no model or training data is needed.
"""

from __future__ import annotations

from collections.abc import Sequence

from .tokens import words

# Words that introduce a reason or a consequence: the "why" that makes a claim an argument.
REASON_WORDS = frozenset("""
because since therefore thus hence consequently so lead leads leading led cause causes caused result results
resulting means mean due prevent prevents reduce reduces increase increases risk risks allow allows protect
protects if unless otherwise whereas although why
""".split())
# Words that point at evidence; any number counts too.
EVIDENCE_WORDS = frozenset("""
evidence study studies research data statistics statistically percent survey surveys proven shown shows
example examples instance history historically according report reports experts eg
""".split())
INSULTS = frozenset("""
idiot idiots stupid moron morons dumb fool fools clown clowns troll trolls loser losers pathetic retard
retarded shill shills imbecile cretin scum
""".split())
IDEAL_WORDS = (15, 80)  # a claim plus a reason fits here; shorter is a slogan, longer rambles


def quality(text: str, tokens: Sequence[str] | None = None) -> float:
    """Heuristic quality of one argument in 0..1 (see module docstring); ``tokens`` is ``words(text)``."""
    tokens = words(text) if tokens is None else tokens
    if not tokens:
        return 0.0
    # Distinct marker words (repeating "because" adds nothing), found by C-level set operations.
    reasons = len(REASON_WORDS.intersection(tokens))
    evidence = len(EVIDENCE_WORDS.intersection(tokens)) + any(map(str.isdigit, tokens))
    n = len(tokens)
    score = 0.45 * _length_score(n) + 0.35 * min(reasons, 3) / 3 + 0.20 * min(evidence, 2) / 2
    return score * _penalty(text, tokens, reasons)


def _length_score(n: int) -> float:
    low, high = IDEAL_WORDS
    if n < 4:
        return 0.0
    if n < low:
        return (n - 3) / (low - 3)
    if n <= high:
        return 1.0
    return max(0.5, 1.0 - (n - high) / (2 * high))  # long is tiring, but not worthless


def _penalty(text: str, tokens: Sequence[str], reasons: int) -> float:
    factor = 1.0
    if len(tokens) >= 3 and text.isupper():
        factor *= 0.5  # shouting: written all in capitals
    if "!!" in text or "??" in text:
        factor *= 0.8
    if not INSULTS.isdisjoint(tokens):
        # An insult beside a reason is rude; an insult instead of a reason is not an argument.
        factor *= 0.6 if reasons else 0.15
    return factor
