"""A schedule the bot pauses (its channel is gone, the bot lost permission there, its format is gone): the
moderator who made it is told directly, once, why and how to resume; nobody else is."""

from datetime import UTC, datetime

from bot.clock import ManualClock
from bot.config import Settings
from bot.ports import PermanentDeliveryError
from bot.testing import Harness, RecordingChat

MONDAY = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


class Refusing(RecordingChat):
    """The platform refuses every post in #gone, for good (a deleted channel, a lost permission)."""

    async def deliver(self, item):
        if item.out.channel_id == "gone" and not item.out.direct_to:
            raise PermanentDeliveryError("Discord refused it: 403 Forbidden (error code: 50013): Missing Permissions")
        return await super().deliver(item)

    def direct(self) -> list[tuple[str, str, str]]:
        return [(p.item.out.direct_to, p.item.out.message.title, p.item.out.message.text)
                for p in self.posts if p.item.out.direct_to]


async def test_the_schedules_moderator_is_told_directly_once_why_it_paused_and_how_to_resume(store):
    clock = ManualClock(MONDAY)
    h = Harness(store, Settings(), clock, Refusing())
    await h.say("Maya", '/schedule add when:"every friday 18:00" channel:#gone prompt:"Anyone?"')
    await h.say("Maya", '/schedule add when:"every friday 18:00" channel:#gone motion:"Ban robots"')
    await h.say("Maya", '/schedule add when:"every day 09:00" prompt:"Good morning"')  # #general: fine
    await h.advance(days=21)
    told = h.chat.direct()
    assert [(to, title) for to, title, _ in told] == [("maya", "Schedule #1 is paused"),
                                                      ("maya", "Schedule #2 is paused")]
    text = told[0][2]
    assert text.startswith("I paused your schedule #1 (every friday 18:00, UTC, in #gone): I could not post "
                           "in #gone (Discord refused it: 403 Forbidden (error code: 50013): Missing Permissions).")
    assert "Once the bot can post in #gone again" in text and "/schedule resume schedule:1" in text
    # resumed while the channel is still refused: paused again at its next run, and told again, once
    assert "running again" in (await h.say("Maya", "/schedule resume schedule:1")).message.text
    await h.advance(days=14)
    assert [title for _, title, _ in h.chat.direct()] == [
        "Schedule #1 is paused", "Schedule #2 is paused", "Schedule #1 is paused"]
    assert len(h.chat.texts()) - len(h.chat.direct()) >= 21  # schedule #3 kept running in #general


async def test_a_schedule_whose_format_is_gone_tells_its_moderator(store, tmp_path):
    clock = ManualClock(MONDAY)
    with_talk = Settings.model_validate({"formats": {"talk": {
        "pre_vote": "5m", "post_vote": "5m", "rounds": [{"name": "open", "duration": "10m"}]}}})
    first = Harness(store, with_talk, clock, Refusing())
    await first.say("Maya", '/schedule add when:"every friday 18:00" format:talk motion:"Ban robots"')
    again = Harness(store, Settings(), clock, first.chat)  # restarted without the format
    await again.advance(days=7)
    [(to, title, text)] = again.chat.direct()
    assert (to, title) == ("maya", "Schedule #1 is paused")
    assert "its format 'talk' is no longer configured" in text and "Once the format 'talk' is configured" in text
