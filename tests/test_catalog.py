"""One table says everything about a command: each catalog entry carries its handler."""

import inspect

from bot.catalog import CATALOG


def test_every_command_in_the_catalog_has_its_handler():
    assert CATALOG
    for command in CATALOG:
        assert inspect.iscoroutinefunction(command.handler), f"/{command.name} has no handler"


def test_command_names_are_unique():
    names = [c.name for c in CATALOG]
    assert len(names) == len(set(names))
