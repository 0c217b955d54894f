"""The core depends on nothing outside it: platforms, drivers and the outer layers stay out of bot/."""

import ast
import re
from pathlib import Path

BOT = Path(__file__).resolve().parents[1] / "bot"
FORBIDDEN = {"discord", "slack_bolt", "slack_sdk", "aiosqlite", "asyncpg", "adapters", "storage"}
COMPOSITION_ROOT = {BOT / "bootstrap.py", BOT / "cli.py", BOT / "__main__.py"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_core_modules_import_no_platform_driver_or_outer_layer():
    offenders = {
        str(path.relative_to(BOT.parent)): sorted(imported_roots(path) & FORBIDDEN)
        for path in BOT.rglob("*.py")
        if path not in COMPOSITION_ROOT and imported_roots(path) & FORBIDDEN
    }
    assert offenders == {}


def test_the_check_sees_a_forbidden_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nfrom storage.sqlite import store\nimport discord.ui\n")
    assert imported_roots(sample) & FORBIDDEN == {"storage", "discord"}


# ---- adapters see one face of the core ---------------------------------------------------------------

ADAPTERS = BOT.parent / "adapters"
FACE = "bot.platform"


def core_modules_imported(path: Path) -> set[str]:
    """Every `bot...` module a file imports, wherever the import statement is (inside functions too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] if node.module != "bot" else [f"bot.{a.name}" for a in node.names]
        found.update(n for n in names if n == "bot" or n.startswith("bot."))
    return found


def test_adapters_import_the_core_only_through_its_one_face():
    offenders = {str(p.relative_to(BOT.parent)): sorted(core_modules_imported(p) - {FACE})
                 for p in ADAPTERS.rglob("*.py") if core_modules_imported(p) - {FACE}}
    assert offenders == {}


def test_the_face_check_sees_any_other_core_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from bot.platform import Core\nfrom bot import button_ids\n"
                      "def f():\n    from bot.cleaning import clean\n    import bot.core\n")
    assert core_modules_imported(sample) - {FACE} == {"bot.button_ids", "bot.cleaning", "bot.core"}


# ---- no platform's syntax or limits in the core --------------------------------------------------------

# Mention and markup syntax of Discord and Slack, also as a regular expression would spell it.
# `</name:id>` is Discord's command mention; an HTML closing tag (`</p>`) is not.
SYNTAX = re.compile(r"@\W{0,4}(everyone|here|channel)\b|<\W{0,4}[@#&]|</[\w-]+( [\w-]+)*:|<t:|subteam\^"
                    r"|<\W{0,4}!(channel|here|everyone|subteam|date)")  # not <!doctype
# Numbers that are Discord's or Slack's caps (message, embed, field, button, modal, select, block sizes).
# The distinct ones are flagged wherever code uses them as a limit; the round ones also as a length the
# core chose for its own layout (`shorten(motion, 100)` in a list line) and so not in a shorten() call.
DISTINCT_CAPS = {2000, 4096, 6000, 1024, 256, 2048, 4000, 3000, 40000}
ROUND_CAPS = {25, 45, 80, 100, 75, 24, 150}
LIMIT_NAME = re.compile(r"limit|max|cap|length|size", re.IGNORECASE)
PLATFORM_NAME = re.compile(r"discord|slack", re.IGNORECASE)
# The composition root wires platforms together, and settings name their sections: both may name them.
NAMES_ALLOWED = COMPOSITION_ROOT | {BOT / "config.py", BOT / "config_file.py"}  # the models and their reading


def _is_cap(node: ast.AST, caps: set[int] = DISTINCT_CAPS | ROUND_CAPS) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int and node.value in caps


def _caps(tree: ast.AST) -> list[int]:
    """Platform-cap numbers where code uses a number as a limit: a slice bound, a length compared, an
    argument of min/shorten, a keyword or a constant named like a limit. `max=100` on a 0-100 option or
    `range(25)` are not limits on text and are not flagged."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Slice):
            found += [b.value for b in (node.lower, node.upper) if b is not None and _is_cap(b)]
        elif isinstance(node, ast.Compare):
            sides = (node.left, *node.comparators)
            if any(isinstance(n, ast.Call) and getattr(n.func, "id", "") == "len" for n in sides):
                found += [n.value for n in sides if _is_cap(n)]
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                "min", "shorten", "split_text"):
            found += [a.value for a in node.args if _is_cap(a, DISTINCT_CAPS)]
        if isinstance(node, ast.Call):
            found += [k.value.value for k in node.keywords
                      if k.arg and LIMIT_NAME.search(k.arg) and k.arg != "max" and _is_cap(k.value)]
        elif isinstance(node, ast.Assign):  # a constant (upper case) named like a limit
            named = any(getattr(t, "id", "").isupper() and LIMIT_NAME.search(t.id) for t in node.targets)
            found += [n.value for n in ast.walk(node.value) if named and _is_cap(n)]
    return found


def _names(tree: ast.AST) -> set[str]:
    """Identifiers the code defines or uses (not comments or prose in strings)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.alias):
            names.add(node.asname or node.name)
        elif isinstance(node, ast.keyword) and node.arg:
            names.add(node.arg)
    return {n for n in names if PLATFORM_NAME.search(n)}


def platform_traces(path: Path) -> list[str]:
    """What in a module of bot/ belongs to one platform: its mention syntax in any string, its caps used
    as limits, names of a platform in code."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    traces = [f"syntax in {s!r}" for s in strings if SYNTAX.search(s)]
    traces += [f"cap {n}" for n in _caps(tree)]
    if path not in NAMES_ALLOWED:
        traces += [f"name {n}" for n in sorted(_names(tree))]
    return traces


def test_no_module_of_the_core_holds_a_platforms_syntax_or_limits():
    offenders = {str(p.relative_to(BOT.parent)): platform_traces(p) for p in BOT.rglob("*.py")
                 if platform_traces(p)}
    assert offenders == {}


def test_the_platform_check_catches_planted_syntax_caps_and_names(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text(
        'BROADCAST = re.compile(r"@(everyone|here)")\nANGLE = "<@&"\nTS = "<t:123:R>"\n'
        'GROUP = "<!subteam^S1>"\nCOMMAND = "</debate start:123>"\nEMBED_MAX = 4096\n'
        "def card(text, label, options):\n"
        "    title = text[:256]\n    ok = len(label) <= 80\n    few = options[:25]\n"
        "    return shorten(text, 2000), min(len(text), 6000), Field(max_length=45)\n"
        "def to_discord(message):\n    return slack_blocks(message)\n")
    found = platform_traces(planted)
    assert sorted(t for t in found if t.startswith("syntax")) == [
        "syntax in '<!subteam^S1>'", "syntax in '</debate start:123>'", "syntax in '<@&'", "syntax in '<t:123:R>'",
        "syntax in '@(everyone|here)'"]
    assert sorted(int(t.split()[1]) for t in found if t.startswith("cap")) == [25, 45, 80, 256, 2000,
                                                                              4096, 6000]
    assert [t for t in found if t.startswith("name")] == ["name slack_blocks", "name to_discord"]


def test_the_platform_check_leaves_ordinary_code_alone(tmp_path):
    ordinary = tmp_path / "ordinary.py"
    ordinary.write_text(
        'HINT = "email ann@example.org, or write a <= b"\nPAGE = "<!doctype html><p>a</p></section>"\nconfidence = Option("c", INT, min=0, max=100)\n'
        "def share(n, total):\n    return round(100 * n / total) if total else 0\n"
        "for i in range(25):\n    pass\nWEEK = 10080\n")
    assert platform_traces(ordinary) == []


def test_every_adapter_fits_the_platform_port():
    import inspect

    from adapters.console.chat import ConsoleChat
    from adapters.discord import DiscordPlatform
    from adapters.slack import SlackPlatform

    for cls, name in ((DiscordPlatform, "discord"), (SlackPlatform, "slack"), (ConsoleChat, "console")):
        assert cls.name == name
        assert all(inspect.iscoroutinefunction(getattr(cls, m)) for m in ("deliver", "run", "stop")), cls
        assert not inspect.iscoroutinefunction(cls.neutralise)
    typed = "@everyone <@1> <!channel> [x](https://e.example)"
    assert ConsoleChat.neutralise(None, typed) == typed  # a terminal shows what was typed
    own = {DiscordPlatform: ("@everyone", "<@", "]("), SlackPlatform: ("@everyone", "<@", "<!")}
    for cls, syntax in own.items():  # each makes its own syntax inert
        inert = cls.neutralise(None, typed)
        assert [s for s in syntax if s in inert] == [], cls


def test_every_platform_says_whether_it_is_connected():
    """/readyz asks each enabled platform; a platform that cannot say would always look ready."""
    from adapters.discord import DiscordPlatform
    from adapters.slack import SlackPlatform

    for platform in (DiscordPlatform, SlackPlatform):
        assert isinstance(getattr(platform, "connected", None), property), platform.__name__
