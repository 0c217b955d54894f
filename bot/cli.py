"""The composition root: the one place that wires the core to a store, a clock and adapters.

    python -m bot demo            a scripted AI-policy debate in the terminal, in seconds
    python -m bot console         a local chat room: act as members, move the clock
    python -m bot run             the bot on the platforms enabled in the config
    python -m bot check-config F  validate a settings file
    python -m bot migrate         apply the store's migrations
    python -m bot migrate-store --from sqlite:///PATH --to postgresql://...   copy a community to PostgreSQL
    python -m bot export --space SPACE (--debate N | --all) --format F --out PATH [--pseudonymize] [--force]
    python -m bot forget-member --space SPACE --member ID   act on a member's request to be forgotten
    python -m bot backup PATH     a consistent copy of the store while the bot runs
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bot import bootstrap, logs
from bot.config import Settings
from bot.config_file import ConfigError, check_file, load_settings, secret
from bot.errors import StoreUnavailable, UserError
from storage.schema import SchemaTooNew


async def _demo(settings: Settings, db: Path) -> int:
    from adapters.console.demo import DEMO, play
    from adapters.console.room import ConsoleRoom
    from bot.clock import ManualClock

    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    settings = settings.model_copy(update={
        "storage": settings.storage.model_copy(update={"url": f"sqlite:///{db}"}),
        "console": settings.console.model_copy(update={"moderators": ["Maya"]}),
    })
    clock = ManualClock()
    async with bootstrap.core(settings, clock) as core:
        room = ConsoleRoom(core, settings, clock, ansi=sys.stdout.isatty())  # bold on a terminal
        await play(room, DEMO)
    print(f"\nThe whole debate is stored in the SQLite file: {db.resolve()}")
    return 0


def _console(settings: Settings) -> int:
    """The room keeps its clock, threads and place beside the database; the typed history too."""
    from adapters.console import terminal
    from adapters.console.chat import beside_store
    from adapters.console.room import ConsoleRoom
    from bot.clock import ManualClock

    clock = ManualClock(datetime.now(UTC))  # a new room starts at the real time; /clock moves it on

    @contextlib.asynccontextmanager
    async def open_room():
        async with bootstrap.core(settings, clock) as core:
            room = ConsoleRoom(core, settings, clock, state=beside_store(settings, "console-room.json"),
                               ansi=sys.stdout.isatty())
            await room.start()
            yield room

    return terminal.run(open_room, beside_store(settings, "console-history"))


async def _run(settings: Settings) -> int:
    from bot.agenda import Agenda
    from bot.chat import ChatRouter
    from bot.clock import SystemClock
    from bot.serve import serve

    specs = [spec for spec in bootstrap.platform_specs() if spec.enabled(settings)]
    if not specs:
        print("No chat platform is enabled in the settings, so there is nothing to run.\n"
              "Enable [discord] or [slack] (see config.example.toml and the README), or try the console: "
              "python -m bot console (or the demo: python -m bot demo).", file=sys.stderr)
        return 2
    clock = SystemClock(settings.agenda.max_sleep_seconds)
    metrics = _metrics(settings)
    async with bootstrap.core(settings, clock, metrics=metrics) as core:
        platforms = [spec.build(settings, core) for spec in specs]
        agenda = Agenda(core, ChatRouter({p.name: p for p in platforms}), clock)
        ops = None
        if metrics is not None:
            from bot.ops import OpsServer

            ops = OpsServer(core, platforms, metrics, settings.ops.http_host,
                            settings.ops.http_port)
        await serve(core, agenda, platforms, ops, settings.ops.shutdown_seconds)
    return 0


def _metrics(settings: Settings):
    """Prometheus metrics when `[ops] enabled`, else None (the core then reports to a no-op)."""
    if not settings.ops.enabled:
        return None
    try:
        from bot.ops import PrometheusMetrics
    except ImportError as exc:
        raise ConfigError(f"ops.enabled: the ops endpoint needs the `ops` extra "
                          f"(pip install 'steelman[ops]'): {exc}") from None
    return PrometheusMetrics()


async def _migrate(settings: Settings) -> int:
    store = bootstrap.store_for(settings)
    await store.open()  # opening applies what is missing
    await store.close()
    print(f"The store at {settings.storage.url} is up to date.")
    return 0


async def _migrate_store(settings: Settings, source: str, target: str) -> int:
    from storage.migrate_store import run

    return await run(source, target, secret(settings.storage.password_env))


def _progress(total: int):
    from tqdm import tqdm

    bar = tqdm(total=total, unit="rows", disable=total < 10_000)  # a bar only where it takes a while

    def update(rows: int) -> None:
        bar.update(rows)
        if bar.n >= total:
            bar.close()

    return update


async def _export(settings: Settings, args: argparse.Namespace) -> int:
    from bot.operator import export_to

    store = bootstrap.store_for(settings)
    await store.open()
    try:
        total = await export_to(store, bootstrap.summarizer_for(settings), args.space, args.debate, args.format,
                                args.out, args.pseudonymize, args.force, datetime.now(UTC), _progress)
    finally:
        await store.close()
    print(f"Wrote {args.out} ({total:,} records).")
    return 0


async def _forget_member(settings: Settings, args: argparse.Namespace) -> int:
    from bot.operator import forget_member

    store = bootstrap.store_for(settings)
    await store.open()
    try:
        done = await forget_member(store, args.space, args.member, datetime.now(UTC))
    finally:
        await store.close()
    print(f"Member {args.member} is forgotten in {args.space}: {done}. Their posted messages are edited "
          "to the removal note when the bot next delivers.")
    return 0


async def _backup(settings: Settings, path: Path) -> int:
    from storage.backup import backup

    if path.exists():
        raise UserError(f"{path} exists; nothing was written.", "Choose another path.")
    print(backup(settings.storage.url, path))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="steelman", description="Structured debates with steelman summaries.")
    parser.add_argument("--config", type=Path, default=os.environ.get("STEELMAN_CONFIG"),
                        help="settings file (TOML); default: built-in settings")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debugging detail")
    parser.add_argument("--log-format", choices=logs.FORMATS, default="text",
                        help="text lines, or one JSON object per line for a log collector")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="play a scripted debate in the terminal")
    demo.add_argument("--db", type=Path, default=Path("data/demo.db"), help="SQLite file to write (replaced)")
    sub.add_parser("console", help="a local chat room in the terminal")
    sub.add_parser("run", help="run on the platforms enabled in the settings")
    check = sub.add_parser("check-config", help="validate a settings file")
    check.add_argument("path", type=Path)
    sub.add_parser("migrate", help="apply the store's migrations")
    copy = sub.add_parser("migrate-store", help="copy the whole history from SQLite into an empty PostgreSQL")
    copy.add_argument("--from", dest="source", required=True, help="sqlite:///PATH of the file to copy")
    copy.add_argument("--to", dest="target", required=True,
                      help="postgresql://USER@HOST/DB (password from [storage] password_env)")
    _record_commands(sub)
    for spec in bootstrap.platform_specs():
        spec.add_commands(sub)
    return parser


def _check_config(path: Path) -> int:
    problems = check_file(path)
    if not problems:
        print(f"{path}: the settings are valid.")
        return 0
    print(f"{path}: the settings are not valid:", file=sys.stderr)
    for line in problems:
        print(f"  {line}", file=sys.stderr)
    return 2


def _record_commands(sub) -> None:
    from bot.export import FORMATS

    out = sub.add_parser("export", help="export a community's debates to a file")
    out.add_argument("--space", required=True, help="platform:id, id or name of the community")
    which = out.add_mutually_exclusive_group(required=True)
    which.add_argument("--debate", type=int, help="the debate's number")
    which.add_argument("--all", action="store_true", help="every debate of the community")
    out.add_argument("--format", required=True, choices=list(FORMATS))
    out.add_argument("--out", required=True, type=Path, help="file to write (refused if it exists)")
    out.add_argument("--pseudonymize", action="store_true", help="members as stable pseudonyms, no ids")
    out.add_argument("--force", action="store_true", help="replace --out if it exists")
    forget = sub.add_parser("forget-member", help="forget a member who asked (by e-mail, say)")
    forget.add_argument("--space", required=True, help="platform:id, id or name of the community")
    forget.add_argument("--member", required=True, help="the member's platform id")
    copy = sub.add_parser("backup", help="a consistent copy of the store while the bot runs")
    copy.add_argument("path", type=Path)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # `run` logs one line per event (INFO); the terminal commands only what went wrong
    quiet = logging.INFO if args.command == "run" else logging.WARNING
    logs.configure(args.log_format, logging.DEBUG if args.verbose else quiet)
    try:
        if args.command == "check-config":
            return _check_config(args.path)
        settings = load_settings(args.config)
        if hasattr(args, "func"):  # a platform's own subcommand
            return args.func(settings, args)
        if args.command == "console":  # reads the terminal between runs of its own event loop
            return _console(settings)
        runners = {"demo": lambda: _demo(settings, args.db),
                   "run": lambda: _run(settings), "migrate": lambda: _migrate(settings),
                   "migrate-store": lambda: _migrate_store(settings, args.source, args.target),
                   "export": lambda: _export(settings, args), "forget-member": lambda: _forget_member(settings, args),
                   "backup": lambda: _backup(settings, args.path)}
        return asyncio.run(runners[args.command]())
    except UserError as exc:
        print(exc, file=sys.stderr)
        return 2
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except (StoreUnavailable, SchemaTooNew) as exc:
        print(f"storage.url: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
