"""Opinion groups from agree/disagree/pass votes (issue 18): a pure engine, no I/O.

    from bot.opinion import Vote, find_groups
    result = find_groups([Vote("ann", 1, 1, side="pause"), ...])
    if not result.found:
        print(result.reason)  # e.g. how many members voted enough, and how many are needed

The types import without numpy; ``find_groups`` needs the ``opinion`` extra and raises
``OpinionEngineUnavailable`` (saying how to install it) when numpy is missing.
"""

from __future__ import annotations

from collections.abc import Iterable

from .types import (
    AGREE,
    DISAGREE,
    PASS,
    ConsensusArgument,
    MemberPoint,
    OpinionEngineUnavailable,
    OpinionGroup,
    OpinionResult,
    OpinionSettings,
    RepresentativeArgument,
    Vote,
)


def available() -> bool:
    """Whether numpy is installed, so the core can offer opinion groups only where they can be
    found."""
    try:
        import numpy  # noqa: F401
    except ImportError:
        return False
    return True


def find_groups(votes: Iterable[Vote], settings: OpinionSettings | None = None,
                moderated_out: int = 0) -> OpinionResult:
    """Opinion groups, their representative arguments, group-informed consensus and the map."""
    try:
        from .engine import find_groups as run
    except ImportError as missing:
        if missing.name == "numpy" or (missing.name or "").startswith("numpy."):
            raise OpinionEngineUnavailable() from missing
        raise
    return run(votes, settings, moderated_out)


__all__ = [
    "AGREE", "DISAGREE", "PASS", "ConsensusArgument", "MemberPoint", "OpinionEngineUnavailable",
    "OpinionGroup", "OpinionResult", "OpinionSettings", "RepresentativeArgument", "Vote",
    "available", "find_groups",
]
