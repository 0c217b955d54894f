"""How typed commands are read, and how member text is cleaned."""

import pytest

from bot.catalog import CATALOG
from bot.commands import bind
from bot.config import Limits
from bot.errors import UserError
from bot.parse import parse
from bot.cleaning import clean, slug


@pytest.mark.parametrize("line, name, raw", [
    ('/debate start motion:"Pause now" sides:"a, b"', "debate start", {"motion": "Pause now", "sides": "a, b"}),
    ("/argue side:pause Labs don't stop: they move.", "argue", {"side": "pause", "text": "Labs don't stop: they move."}),
    ("/argue Chips are visible side:pause", "argue", {"text": "Chips are visible", "side": "pause"}),
    ("/position slow-down 70", "position", {"side": "slow-down", "confidence": "70"}),
    ("/rebut 3 Smaller runs still leave plenty to study.", "rebut",
     {"argument": "3", "text": "Smaller runs still leave plenty to study."}),
    ("/argue \u201cquoted with smart quotes\u201d side:a", "argue", {"text": "quoted with smart quotes", "side": "a"}),
    ("/argue See https://example.org/x for data", "argue", {"text": "See https://example.org/x for data"}),
    ("/DEBATE LIST", "debate list", {}),
])
def test_parse(line, name, raw):
    command, got = parse(line)
    assert (command.name, got) == (name, raw)


@pytest.mark.parametrize("line, message", [
    ("/debate dance", "Did you mean one of: /debate start"),
    ('/argue text:"never closed', "missing its closing quote"),
    ("/endorse 3 no 4 more", "got more than it takes"),
    ("/position side:a side:b", "given twice"),
    ("", "Type a command"),
])
def test_parse_errors_say_what_is_wrong(line, message):
    with pytest.raises(UserError) as caught:
        parse(line)
    assert message in str(caught.value)


def test_bind_checks_required_ranges_and_booleans():
    argue = next(c for c in CATALOG if c.name == "argue")
    with pytest.raises(UserError, match="needs `text`"):
        bind(argue, {}, Limits())
    endorse = next(c for c in CATALOG if c.name == "endorse")
    assert bind(endorse, {"argument": "#4", "withdraw": "yes"}, Limits()).values == {"argument": 4, "withdraw": True}
    with pytest.raises(UserError, match="between 1 and 2,147,483,647"):
        bind(endorse, {"argument": "0"}, Limits())
    with pytest.raises(UserError, match="yes or no"):
        bind(endorse, {"argument": "1", "withdraw": "perhaps"}, Limits())


def test_clean_strips_controls_and_keeps_what_the_member_typed():
    assert clean("  a\x00b\u202ec\r\n\n\n\nd  ") == "abc\n\nd"
    # platform syntax is the adapters' to neutralise when they render; the core stores it as typed
    assert clean("@here <@&1> <!channel>") == "@here <@&1> <!channel>"
    assert clean("email me at ann@example.org") == "email me at ann@example.org"


def test_slug():
    assert slug("Go faster!") == "go-faster" and slug("Pause (now)") == "pause-now"
