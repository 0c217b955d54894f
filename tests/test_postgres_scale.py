"""Several bot processes on one PostgreSQL database, dropped connections, bad settings, and the move from
SQLite: each deadline fires once, nothing acknowledged is lost, nothing unacknowledged is half-kept."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import pytest

from bot.errors import StoreUnavailable
from bot.handlers import Request
from bot.domain import Actor, SpaceRef
from storage.postgres.store import PostgresStore
from bot.testing import Harness
from tests.pg_support import empty_database, with_database
from tests.scale_worker import seed
from tests.stores import PG_REQUIRED, PG_SKIP_REASON, PG_URL
from tests.tcp_proxy import Proxy

ROOT = Path(__file__).resolve().parents[1]
LEASE = 5
DEBATES = 200
PROBES = 50  # jobs of a kind with no debate, due at the same instant
ROUND_ONE = ": open floor"  # the quick format's only round, announced when the pre-vote ends


@pytest.fixture
async def db_url():
    if not PG_URL:
        if PG_REQUIRED:
            pytest.fail("STEELMAN_REQUIRE_POSTGRES=1 but STEELMAN_TEST_POSTGRES_URL is not set")
        pytest.skip(PG_SKIP_REASON)
    return await empty_database(PG_URL)


async def query(url: str, sql: str, *args):
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


# ---- three processes, one SIGKILL ------------------------------------------------------------------------


def spawn(url: str, name: str, log: Path, marker: Path | None = None) -> subprocess.Popen:
    cmd = [sys.executable, str(ROOT / "tests" / "scale_worker.py"), "--url", url, "--name", name,
           "--log", str(log), "--lease", str(LEASE)]
    if marker:
        cmd += ["--hang-marker", str(marker)]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def deliveries(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


async def wait_for(condition, timeout: float, step: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := await condition():
            return result
        await asyncio.sleep(step)
    raise AssertionError(f"still not true after {timeout}s: {condition.__doc__}")


async def test_three_processes_fire_every_deadline_once_despite_a_sigkill(db_url, tmp_path):
    log, marker = tmp_path / "deliveries.log", tmp_path / "claimed.json"
    await seed(db_url, DEBATES, datetime.now(UTC) + timedelta(days=1), probes=PROBES)
    last_seeded = (await query(db_url, "SELECT MAX(id) AS m FROM outbox"))[0]["m"]
    # every first deadline (the end of the pre-vote) at the same instant, a moment after the processes start
    due = datetime.now(UTC) + timedelta(seconds=4)
    await query(db_url, "UPDATE agenda SET due_at = $1 WHERE done_at IS NULL", due)
    victim = spawn(db_url, "victim", log, marker)  # started first, so it is surely awake at the deadline
    others = [spawn(db_url, f"w{i}", log) for i in (1, 2)]
    try:
        for p in (victim, *others):
            assert p.stdout.readline().strip() == "ready", p.stderr.read()

        async def claimed():
            """the victim claimed due work"""
            return marker.exists() and marker.read_text()
        held = json.loads(await wait_for(claimed, 20))
        victim.send_signal(signal.SIGKILL)
        killed_at = time.time()

        async def all_announced():
            """every debate's first round was announced"""
            return sum(d["title"].endswith(ROUND_ONE) for d in deliveries(log)) >= DEBATES
        await wait_for(all_announced, LEASE + 20)
        finished = max(d["at"] for d in deliveries(log) if d["title"].endswith(ROUND_ONE))
        assert finished - killed_at < LEASE + 5, "the dead process's claims were not taken over within the lease"

        async def outbox_drained():
            """every queued message was delivered"""
            return not (await query(db_url, "SELECT 1 FROM outbox WHERE delivered_at IS NULL LIMIT 1"))
        await wait_for(outbox_drained, LEASE + 10)
        await asyncio.sleep(0.3)  # a duplicate, if there were one, would show up in the log by now
    finally:
        for p in (victim, *others):
            p.kill()
            p.wait()

    assert len(held) > 0
    sent = deliveries(log)
    probes = Counter(d["probe"] for d in sent if "probe" in d)
    assert probes == Counter({f"probe-{n}": 1 for n in range(PROBES)}), "a job with no debate fired twice or never"
    await assert_every_deadline_fired_once(db_url, [d for d in sent if "probe" not in d], last_seeded, {"w1", "w2"})


async def assert_every_deadline_fired_once(db_url: str, sent: list[dict], last_seeded: int, workers: set) -> None:
    openings = Counter(d["debate"] for d in sent if d["title"].endswith(ROUND_ONE))
    assert len(openings) == DEBATES and set(openings.values()) == {1}
    assert {d["worker"] for d in sent} == workers  # the killed process posted nothing: the others did its part
    assert Counter(d["item"] for d in sent).most_common(1)[0][1] == 1, "a message was posted twice"
    expected = {r["id"] for r in await query(db_url, "SELECT id FROM outbox WHERE id > $1", last_seeded)}
    assert {d["item"] for d in sent} == expected  # and every message queued was posted
    rows = await query(db_url, "SELECT COUNT(*) AS n, COUNT(done_at) AS done FROM agenda WHERE phase = 0 OR kind = 'probe'")
    assert (rows[0]["n"], rows[0]["done"]) == (DEBATES + PROBES, DEBATES + PROBES)
    assert [r["phase"] for r in await query(db_url, "SELECT DISTINCT phase FROM debates")] == [1]


# ---- a dropped connection in the middle of a burst ------------------------------------------------------


async def proxied_harness(db_url: str, proxy: Proxy) -> tuple[Harness, PostgresStore]:
    parts = urlsplit(db_url)
    store = PostgresStore(parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy.port}").geturl(), pool_max=10)
    await store.open()
    return Harness(store), store


@pytest.fixture
async def proxy(db_url):
    parts = urlsplit(db_url)
    running = await Proxy(parts.hostname, parts.port or 5432).start()
    yield running
    await running.close()


async def arguments_by_text(db_url: str) -> Counter:
    return Counter(r["text"] for r in await query(db_url, "SELECT text FROM arguments"))


async def test_cut_connections_in_a_burst_lose_nothing_acknowledged_and_keep_nothing_else(db_url, proxy):
    h, store = await proxied_harness(db_url, proxy)
    try:
        _, thread = await h.start_debate(fmt="quick")
        await h.advance(minutes=6)  # the open floor: arguments are allowed
        texts = [f"Point {i}: compute can be inspected at data centre {i}." for i in range(150)]

        async def argue(i: int):
            return await h.core.execute_text(h.request(f"m{i}", thread=thread), f"/argue side:pause {texts[i]}")

        async def cutter():
            for _ in range(3):
                await asyncio.sleep(0.05)
                proxy.cut()

        *replies, _ = await asyncio.gather(*(argue(i) for i in range(len(texts))), cutter())
        acked = [t for t, r in zip(texts, replies) if r.message.text.startswith("Argument #")]
        refused = [t for t, r in zip(texts, replies) if "could not save" in r.message.text]
        assert len(acked) + len(refused) == len(texts), {r.message.text for r in replies}
        assert refused, "the cuts hit no command in flight"
        stored = await arguments_by_text(db_url)
        assert all(stored[t] == 1 for t in acked) and not any(stored[t] for t in refused)
        numbers = sorted(r["number"] for r in await query(db_url, "SELECT number FROM arguments"))
        assert numbers == list(range(1, len(acked) + 1))  # no gap: nothing half-written took a number

        # the bot reconnected by itself: the next command works, and every acknowledged argument is posted once
        assert "Argument #" in (await h.say("late", "/argue side:pause One more point.", thread=thread)).message.text
        await h.agenda.settle()
        posted = Counter(p.item.out.message.text for p in h.chat.posts if p.item.out.message.kind == "argument")
        assert all(sum(n for text, n in posted.items() if t in text) == 1 for t in acked)
    finally:
        await store.close()


@pytest.mark.parametrize("fault, saved", [("lose-request", False), ("lose-answer", True)])
async def test_a_commit_whose_answer_is_lost_is_reported_truthfully(db_url, proxy, fault, saved):
    h, store = await proxied_harness(db_url, proxy)
    try:
        _, thread = await h.start_debate(fmt="quick")
        await h.advance(minutes=6)
        proxy.on_commit = fault
        reply = await h.core.execute_text(h.request("ada", thread=thread), "/argue side:pause Chips are physical.")
        assert proxy.on_commit is None, "the fault was not triggered"
        assert reply.message.text.startswith("Argument #") is saved, reply.message.text
        assert (await arguments_by_text(db_url))["Chips are physical."] == (1 if saved else 0)
    finally:
        await store.close()


async def test_a_retried_platform_event_counts_once_across_workers(db_url):
    workers = [PostgresStore(db_url) for _ in range(2)]
    for s in workers:
        await s.open()
    try:
        first, second = Harness(workers[0], worker="a"), Harness(workers[1], worker="b")
        _, thread = await first.start_debate(fmt="quick")
        await first.advance(minutes=6)
        second.clock.set(first.clock.now())
        line = "/argue side:pause Evaluations must keep pace."
        replies = await asyncio.gather(*(h.core.execute_text(h.request("ada", thread=thread, event="Ev0123"), line)
                                         for h in (first, second, first, second)))
        assert len({r.message.text for r in replies}) == 1
        assert (await arguments_by_text(db_url))["Evaluations must keep pace."] == 1
    finally:
        for s in workers:
            await s.close()


async def test_commands_and_deadlines_on_the_same_debates_at_once_neither_deadlock_nor_fail(db_url):
    stores = [PostgresStore(db_url) for _ in range(2)]
    for s in stores:
        await s.open()
    try:
        agenda, moderator = Harness(stores[0], worker="agenda"), Harness(stores[1], worker="mod")
        numbers = [(await agenda.start_debate(fmt="quick", space=f"g{i}"))[0] for i in range(20)]
        moderator.clock.set(agenda.clock.now() + timedelta(minutes=5))  # every pre-vote ends now...
        agenda.clock.set(moderator.clock.now())
        # ...while a moderator ends each one early, from another process
        fired, *replies = await asyncio.gather(agenda.core.run_due(), *(
            moderator.core.execute_text(moderator.request("Maya", space=f"g{i}"), f"/debate next debate:{n}")
            for i, n in enumerate(numbers)))
        # Whoever comes first ends the pre-vote; a moderator's command that comes second is refused, so no
        # debate skips its only round (the moderator meant the pre-vote, which is already over).
        ended = [r for r in replies if "pre-vote ended early; now open floor" in r.message.text]
        late = [r for r in replies if "began only" in r.message.text and "did not end it" in r.message.text]
        assert len(ended) + len(late) == len(replies), {r.message.text for r in replies}
        await agenda.agenda.settle()
        await moderator.agenda.settle()
        phases = [r["phase"] for r in await query(db_url, "SELECT phase FROM debates")]
        assert phases == [1] * 20  # every pre-vote ended once, whoever ended it, and no round was skipped
        assert fired + len(ended) == 20
        pending = await query(db_url, "SELECT debate_id, COUNT(*) AS n FROM agenda WHERE done_at IS NULL "
                                      "GROUP BY debate_id")
        assert len(pending) == 20 and {r["n"] for r in pending} == {1}
    finally:
        for s in stores:
            await s.close()


# ---- bad settings: a clear message at start, nothing written ------------------------------------------------


def _bad_urls(base: str) -> list[tuple[str, str]]:
    parts = urlsplit(base)
    return [
        (parts._replace(netloc="postgres:sekret@127.0.0.1:1").geturl(), "cannot connect to PostgreSQL"),
        (with_database(base, "steelman_no_such_db"), "does not exist"),
        (parts._replace(netloc=f"steelman_no_such_user:sekret@{parts.hostname}:{parts.port or 5432}").geturl(),
         "refused the user"),
        (parts._replace(netloc=f"{parts.username}@{parts.hostname}:notaport").geturl(), "not a valid PostgreSQL URL"),
    ]


async def test_bad_urls_fail_at_open_with_a_message_naming_the_setting(db_url):
    for url, expected in _bad_urls(PG_URL):
        store = PostgresStore(url, connect_timeout=5)
        with pytest.raises(StoreUnavailable) as raised:
            await store.open()
        message = str(raised.value)
        assert expected in message and "[storage] url" in message, message
        assert "sekret" not in message


async def test_the_cli_refuses_a_missing_database_and_creates_nothing(db_url):
    missing = with_database(PG_URL, "steelman_no_such_db")
    env = {**os.environ, "STEELMAN__STORAGE__URL": missing}
    done = subprocess.run([sys.executable, "-m", "bot", "migrate"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("storage.url: ") and "steelman_no_such_db" in done.stderr
    assert "Traceback" not in done.stderr
    assert await query(PG_URL, "SELECT 1 FROM pg_database WHERE datname = 'steelman_no_such_db'") == []


# ---- moving a community from SQLite ---------------------------------------------------------------------------


async def community_view(store) -> dict:
    """What members can see of the demo's community: results, steelman, every position history."""
    from adapters.console.demo import SCRIPT
    from bot import results

    h = Harness(store)
    space = SpaceRef("console", "local", "Console")
    members = sorted({line.split()[1] for line in SCRIPT if line.startswith("/as ")})

    async def ask(who: str, line: str):
        return (await h.core.execute_text(Request(space, Actor(who.lower(), who, who == "Maya"), "ai-policy"),
                                          line)).message

    async def read(uow):
        debate = await uow.debate((await uow.space(space, h.clock.now())).id, 1)
        outcome = results.compute(debate, await uow.positions(debate.id))
        return debate, outcome, {m: await uow.positions(debate.id, m.lower()) for m in members}

    debate, outcome, histories = await store.transact(read)
    return {"results": outcome, "debate": (debate.state, debate.phase, debate.closed_at),
            "histories": {m: [(p.side, p.confidence, p.reason, p.credited, p.phase, p.recorded_at)
                              for p in ps] for m, ps in histories.items()},
            "asked": [await ask(m, "/history debate:1") for m in members]
            + [await ask("Maya", "/steelman debate:1"), await ask("Maya", "/debate status debate:1")]}


async def test_migrate_store_round_trip_of_the_demo(db_url, tmp_path):
    from storage.sqlite.store import SqliteStore

    db = tmp_path / "demo.db"
    run = lambda *args: subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, capture_output=True,  # noqa: E731
                                       text=True, timeout=60)
    assert run("demo", "--db", str(db)).returncode == 0
    copied = run("migrate-store", "--from", f"sqlite:///{db}", "--to", db_url)
    assert copied.returncode == 0, copied.stderr
    assert "every table's row count and checksum match" in copied.stdout
    assert "positions" in copied.stderr and "rows copied" in copied.stderr  # the progress, table by table

    original, moved = SqliteStore(db), PostgresStore(db_url)
    await original.open()
    await moved.open()
    try:
        before, after = await community_view(original), await community_view(moved)
        assert before["histories"]["Ada"] and before["results"].moves
        assert after == before

        async def turing_test(uow):  # the demo's oxford-itt debate: its entries, answers and restatement
            space = await uow.space(SpaceRef("console", "local", "Console"), datetime.now(UTC))
            debate = await uow.debate(space.id, 4)
            return ([(e.number, e.author_name, e.side) for e in await uow.itt_entries(debate.id)],
                    len(await uow.itt_ratings(debate.id)), [r.accepted for r in await uow.restatements(debate.id)])

        assert await moved.transact(turing_test) == await original.transact(turing_test) == (
            [(1, "Bo", "govern-compute"), (2, "Eli", "govern-compute"), (3, "Femi", "govern-software")], 6, [True])
        # the identities moved past the copied ids: the community carries on where it was
        maya = Request(SpaceRef("console", "local", "Console"), Actor("maya", "Maya", True), "ai-policy")
        reply = await Harness(moved).core.execute_text(
            maya, '/debate start motion:"Open-weight frontier models are a safety problem" format:quick')
        # the demo's second debate came from its schedule, its third shows opinion groups, its fourth is
        # the short oxford-itt one
        assert "Debate #5 has started" in reply.message.text
        listed = await Harness(moved).core.execute_text(maya, "/schedule list")
        assert "#1 every friday 18:00 (Europe/Berlin)" in listed.message.text  # schedules carry over too
    finally:
        await original.close()
        await moved.close()

    again = run("migrate-store", "--from", f"sqlite:///{db}", "--to", db_url)
    assert again.returncode == 2 and "not empty" in again.stderr
