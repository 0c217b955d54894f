"""Stop the bot in the middle of a round and start it again on the same store: the round ends once, at its
deadline, and no announcement is lost or repeated."""

from datetime import timedelta

from bot.testing import Harness, RecordingChat


async def test_round_ends_once_after_a_restart(store):
    chat = RecordingChat()
    first = Harness(store, chat=chat, worker="before")
    number, thread = await first.start_debate()
    await first.advance(minutes=15)  # the opening round runs now
    await first.say("ada", "/argue side:pause Weights cannot be un-trained.", thread=thread)
    opening_ends = first.clock.now() + timedelta(hours=1)
    # A message is queued but the bot stops before it is delivered.
    await first.core.execute_text(first.request("bo", thread=thread), "/argue side:go-faster A pause is not global.")
    await store.close()

    await store.open()
    second = Harness(store, clock=first.clock, chat=chat, worker="after")
    await second.agenda.settle()  # the restarted bot delivers what was left queued
    assert sum("pause is not global" in t for t in chat.texts("argument")) == 1

    await second.advance(minutes=59)
    assert not any(t.endswith("rebuttal") for t in chat.titles("announcement"))
    await second.advance(minutes=2)
    rebuttal = [p for p in chat.posts if (p.item.out.message.title or "").endswith("rebuttal")]
    assert len(rebuttal) == 1
    assert f"It ends {(opening_ends + timedelta(hours=1)).strftime('%a %d %b %H:%M')}" in rebuttal[0].item.out.message.text

    # Restart once more: nothing already announced comes again.
    await store.close()
    await store.open()
    third = Harness(store, clock=second.clock, chat=chat, worker="again")
    posted = len(chat.posts)
    await third.agenda.settle()
    assert len(chat.posts) == posted
    titles = chat.titles("announcement")
    assert len(titles) == len(set(titles))


async def test_a_deadline_passed_while_stopped_fires_at_restart(store):
    chat = RecordingChat()
    first = Harness(store, chat=chat)
    await first.start_debate()
    await store.close()
    first.clock.advance(timedelta(hours=2))  # the bot was down through two deadlines
    await store.open()
    again = Harness(store, clock=first.clock, chat=chat)
    await again.agenda.settle()
    assert [t.split(": ", 1)[1] for t in chat.titles("announcement")] == ["pre-vote", "opening", "rebuttal"]
