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


def test_a_named_side_with_a_space_runs_to_the_next_option():
    command, raw = parse("/position side:slow down confidence:60")
    assert (command.name, raw) == ("position", {"side": "slow down", "confidence": "60"})
    command, raw = parse("/steelman side:Slow Down")
    assert (command.name, raw) == ("steelman", {"side": "Slow Down"})


def test_prose_with_a_word_and_colon_is_prose():
    _, raw = parse("/argue side:pause Evidence: detectors misfire on non-native writers.")
    assert raw == {"side": "pause", "text": "Evidence: detectors misfire on non-native writers."}
    _, raw = parse("/argue side:pause Evidence:detectors misfire")
    assert raw["text"] == "Evidence:detectors misfire"


def test_a_misspelt_option_is_named_with_a_suggestion_and_how_to_quote():
    with pytest.raises(UserError) as err:
        parse("/argue sid:pause Compute is inspectable.")
    assert "no option `sid`" in str(err.value) and "Did you mean `side:`?" in str(err.value)
    assert 'text:"sid: ..."' in str(err.value)


def test_a_mistyped_command_gets_a_did_you_mean():
    with pytest.raises(UserError, match=r"There is no command /positon\. Did you mean /position\?"):
        parse("/positon side:pause")


def test_a_named_side_stops_at_a_number_and_at_the_text_of_an_argument():
    assert parse("/position side:slow down 70")[1] == {"side": "slow down", "confidence": "70"}
    assert parse("/argue side:pause Labs don't stop.")[1] == {"side": "pause", "text": "Labs don't stop."}
