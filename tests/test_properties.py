"""Property-based tests over what members can type (issue 19, item 14): the text parser, every command's
options from the catalog, driven through the real core on a real SQLite store. Whatever the input (random
Unicode, huge strings, nested quotes, both platforms' mention and link syntax, zero-width and direction
characters, SQL fragments), a member gets a clean answer or a clean refusal, never the generic apology, and
nothing the bot answers or posts renders a ping, a mention or a live link on Discord or Slack.

Bounded: a few hundred examples in all, on one store and one event loop kept across examples."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from bot import catalog, parse
from bot.commands import ARGUMENT, BOOL, CHOICE, DEBATE, INT, SIDE, TEXT, Command
from bot.config import Limits, Settings
from bot.errors import UserError
from bot.testing import Harness, sqlite_harness
from tests.hostile import APOLOGY, INVISIBLE, any_text, hostile_text, live_in, numbers

BOUNDED = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
SIDES = ("pause", "slow-down", "go-faster", "undecided")


class World:
    """One store and one loop for every example: a debate in its opening round, with an argument."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.tmp = tempfile.TemporaryDirectory()
        generous = Limits(arguments_per_minute=1000, arguments_per_debate=100000,
                          position_changes_per_minute=1000, position_changes_per_debate=100000)
        self._cm = sqlite_harness(Path(self.tmp.name), Settings(limits=generous))
        self.h: Harness = self.run(self._cm.__aenter__())
        _, self.thread = self.run(self.h.start_debate())
        self.run(self.h.advance(minutes=15))
        self.run(self.h.say("ada", '/argue side:pause text:"Compute can be inspected."', thread=self.thread))

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    def close(self) -> None:
        self.run(self._cm.__aexit__(None, None, None))
        self.loop.close()
        self.tmp.cleanup()

    def act(self, who: str, run: Any) -> tuple[Any, list]:
        """A command, then delivery: the reply and every message it caused, as sent."""
        before = len(self.h.chat.posts)
        reply = self.run(run)
        self.run(self.h.agenda.settle())
        return reply, [p.item.out.message for p in self.h.chat.posts[before:]]


@pytest.fixture(scope="module")
def world():
    w = World()
    yield w
    w.close()


def assert_clean(reply: Any, posted: list) -> None:
    text = reply.message.text
    assert APOLOGY not in text, text
    assert not INVISIBLE.search(text), repr(text)
    for message in [reply.message, *posted]:
        assert live_in(message) == [], (message.title, message.text[:200])


# ---- the parser: a line either parses or is refused with a UserError --------------------------------

names = st.one_of(st.sampled_from([c.name for c in catalog.CATALOG] + ["debate", "nope", "", "argue argue"]),
                  st.builds("{}{}".format, st.sampled_from(["", "debate "]), hostile_text))  # echoed back
option_names = st.sampled_from(sorted({o.name for c in catalog.CATALOG for o in c.options}) + ["zz", ""])
tokens = st.one_of(
    hostile_text,
    st.builds("{}:{}".format, option_names, hostile_text),
    st.builds('{}:"{}"'.format, option_names, hostile_text),
    st.builds("{}:'{}'".format, option_names, hostile_text),
)
lines = st.builds(lambda prefix, name, rest: prefix + name + " " + " ".join(rest),
                  st.sampled_from(["/", "", " /", "//"]), names, st.lists(tokens, max_size=5))


@BOUNDED
@given(line=lines)
def test_the_parser_parses_or_refuses_cleanly(line):
    try:
        command, raw = parse.parse(line)
    except UserError as exc:
        assert str(exc).strip()
        return
    assert command in catalog.CATALOG and isinstance(raw, dict)


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(line=lines, moderator=st.booleans())
def test_any_typed_line_gets_a_clean_answer_and_posts_nothing_live(world, line, moderator):
    who = "maya" if moderator else "bo"
    reply, posted = world.act(who, world.h.core.execute_text(world.h.request(who, thread=world.thread), line))
    assert_clean(reply, posted)


# ---- every command's options, as platforms send them (typed values, not text) --------------------------


def value_for(option: Any) -> st.SearchStrategy:
    if option.type in (INT, DEBATE, ARGUMENT):
        return st.one_of(numbers, hostile_text)
    if option.type == BOOL:
        return st.one_of(st.booleans(), hostile_text)
    if option.type == CHOICE:
        return st.one_of(st.sampled_from(option.choices or ("oxford", "quick")), hostile_text)
    if option.type == SIDE:
        return st.one_of(st.sampled_from(SIDES), hostile_text)
    assert option.type == TEXT
    return any_text


def raw_options(command: Command) -> st.SearchStrategy:
    fields = {o.name: st.one_of(st.none(), value_for(o)) for o in command.options}
    extra = st.dictionaries(st.sampled_from(["zz", "debate ", "TEXT"]), hostile_text, max_size=1)
    return st.tuples(st.fixed_dictionaries(fields), extra).map(
        lambda pair: {**{k: v for k, v in pair[0].items() if v is not None}, **pair[1]})


commands_and_options = st.sampled_from(
    [c for c in catalog.CATALOG if c.name not in ("forget-me",)]  # forget-me: its own test below
).flatmap(lambda c: st.tuples(st.just(c), raw_options(c)))


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(pick=commands_and_options, moderator=st.booleans(), in_thread=st.booleans())
def test_every_commands_options_get_a_clean_answer(world, pick, moderator, in_thread):
    command, raw = pick
    who = "maya" if moderator else "cy"
    request = world.h.request(who, thread=world.thread if in_thread else None)
    reply, posted = world.act(who, world.h.core.execute(request, command.name, raw))
    assert_clean(reply, posted)


@BOUNDED
@given(name=any_text, text=any_text)
def test_any_display_name_and_text_is_stored_cleanly_and_shown_inert(world, name, text):
    """A member named anything posts anything: it is stored (minus what cannot be seen) or refused
    cleanly, and every post that repeats the name or the text is inert."""
    from bot.domain import Actor
    from dataclasses import replace

    request = world.h.request("dee", thread=world.thread)
    request = replace(request, actor=Actor("dee", name, False))
    reply, posted = world.act("dee", world.h.core.execute(request, "argue", {"text": text, "side": "pause"}))
    assert_clean(reply, posted)
    if reply.message.kind != "error":
        argument = next(m for m in posted if m.kind == "argument")
        assert not INVISIBLE.search(argument.text + (argument.footer or ""))


def test_forget_me_with_hostile_options_answers_cleanly(world):
    for raw in ({}, {"confirm": "\u202e@everyone"}, {"confirm": True}, {"zz": "<@1>"}):
        request = world.h.request("zed", thread=world.thread)
        reply, posted = world.act("zed", world.h.core.execute(request, "forget-me", raw))
        assert_clean(reply, posted)
