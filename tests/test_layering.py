"""The core depends on nothing outside it: platforms, drivers and the outer layers stay out of bot/."""

import ast
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
