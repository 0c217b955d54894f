"""The log of `python -m bot run --log-format json` through a debate: one JSON line per event,
naming the space, the debate, the command and its outcome; never a token, never what a member
wrote."""

from __future__ import annotations

import asyncio
import signal

from tests.fakes.slack_fake import TEAM_ID, clear_proxy_env
from tests.ops_support import (
    APP_TOKEN,
    BOT_TOKEN,
    Valve,
    answer,
    running_bot,
    slack_with_secret_tokens,
)
from tests.slack_support import ALICE, CHANNEL, MAYA, text_of

# What members write, each distinctive enough that any trace of it in a log would be found.
MOTION = "Quokka-review boards should license every orbital compute cluster"
REASON = "Because marmalade-grade audits caught the Zanzibar overflow"
ARGUMENT = "Tungsten ledgers let inspectors count every accelerator twice"


async def posted(fake, words: str, timeout: float = 10) -> None:
    await fake.wait_for_call(
        "chat.postMessage", lambda c: words in text_of(c.params), timeout=timeout
    )


async def test_a_debate_logs_one_line_per_event_without_tokens_or_member_text(
    tmp_path, monkeypatch
):
    clear_proxy_env(monkeypatch)
    async with slack_with_secret_tokens() as fake:
        valve = await Valve("127.0.0.1", fake.port).start()
        try:
            async with running_bot(fake, valve, tmp_path) as bot:
                start = f'start motion:"{MOTION}" sides:"pause, go faster" format:fast'
                assert "#1" in await answer(fake, "/debate", start, MAYA, CHANNEL)
                await posted(fake, MOTION)
                await answer(
                    fake, "/position", f'debate:1 side:nope reason:"{REASON}"', ALICE, CHANNEL
                )
                assert "pause" in await answer(
                    fake, "/position", f'debate:1 side:pause reason:"{REASON}"', ALICE, CHANNEL
                )
                for _ in range(100):  # the 2 s pre-vote ends on the wall clock
                    if bot.rows("SELECT phase FROM debates") == [(1,)]:
                        break
                    await asyncio.sleep(0.05)
                argued = await answer(
                    fake, "/argue", f"debate:1 side:pause {ARGUMENT}", ALICE, CHANNEL
                )
                assert "Argument #1" in argued
                await posted(fake, ARGUMENT)
                await asyncio.sleep(0.3)  # the delivery's own line follows its post
                bot.proc.send_signal(signal.SIGTERM)
                assert await bot.exits(10) == 0
        finally:
            await valve.close()

    log = "".join(bot.lines)
    for secret in (
        BOT_TOKEN,
        APP_TOKEN,
        MOTION,
        REASON,
        ARGUMENT,
        *(w for w in ARGUMENT.split() if len(w) > 6),
    ):
        assert secret not in log, f"{secret!r} is in the log"
    records = bot.records()  # every line is JSON (json.loads raised otherwise)
    commands = [
        (r["space"], r["debate"], r["command"], r["outcome"]) for r in bot.events("command")
    ]
    space = f"slack:{TEAM_ID}"
    assert commands == [
        (space, 1, "debate start", "ok"),
        (space, 1, "position", "refused"),
        (space, 1, "position", "ok"),
        (space, 1, "argue", "ok"),
    ]
    assert all(isinstance(r["ms"], float) for r in bot.events("command"))
    (job,) = bot.events("job")
    assert (job["job"], job["phase"], job["outcome"]) == ("phase_end", 0, "ok") and job[
        "lag_ms"
    ] < 2000
    deliveries = bot.events("delivery")
    assert deliveries and {(d["space"], d["outcome"]) for d in deliveries} == {(space, "ok")}
    assert [
        r["event"] for r in records if r.get("event") in ("started", "stopping", "stopped")
    ] == ["started", "stopping", "stopped"]
