"""Discord application commands generated from the catalog, and interaction options read back.

`/debate start|status|...` become subcommands of one `debate` command; every other catalog entry is a
top-level command. Side and debate options autocomplete; format offers the configured formats as choices.
"""

from __future__ import annotations

from typing import Any

from bot.platform import ARGUMENT, BOOL, CATALOG, CHOICE, DEBATE, INT, SIDE, Command, Option

# Discord option types
SUB_COMMAND, STRING, INTEGER, BOOLEAN = 1, 3, 4, 5
DESCRIPTION_MAX = 100


def _option(option: Option, limits: Any, formats: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {"name": option.name, "description": option.description[:DESCRIPTION_MAX],
                            "required": option.required}
    if option.type in (INT, DEBATE, ARGUMENT):
        data["type"] = INTEGER
        if option.min is not None:
            data["min_value"] = option.min
        if option.max is not None:
            data["max_value"] = option.max
        data["autocomplete"] = option.type == DEBATE
    elif option.type == BOOL:
        data["type"] = BOOLEAN
    else:
        data["type"] = STRING
        limit = getattr(limits, option.limit_key) if option.limit_key else option.max_length
        if limit:
            data["max_length"] = min(limit, 6000)
        if option.type == SIDE:
            data["autocomplete"] = True
        if option.type == CHOICE:  # its own choices (a vote, an export format), else the debate formats
            data["choices"] = [{"name": f, "value": f} for f in (option.choices or formats)[:25]]
    return data


def _options(command: Command, limits: Any, formats: list[str]) -> list[dict[str, Any]]:
    # Discord requires required options first; the catalog's order is kept otherwise.
    ordered = sorted(command.options, key=lambda o: not o.required)
    return [_option(o, limits, formats) for o in ordered]


def application_commands(limits: Any, formats: list[str]) -> list[dict[str, Any]]:
    """The payload for a bulk overwrite of the application's commands."""
    top: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    for command in CATALOG:
        if command.button_only:
            continue  # reached by its buttons, and by text; not a slash command of its own
        path = command.path
        if len(path) == 1:
            top.append({"name": path[0], "type": 1, "description": command.description[:DESCRIPTION_MAX],
                        "options": _options(command, limits, formats), "contexts": [0]})
            continue
        group = groups.setdefault(path[0], {"name": path[0], "type": 1, "description": "Run and follow debates",
                                            "options": [], "contexts": [0]})
        group["options"].append({"name": path[1], "type": SUB_COMMAND,
                                 "description": command.description[:DESCRIPTION_MAX],
                                 "options": _options(command, limits, formats)})
    return list(groups.values()) + top


def read_invocation(data: dict[str, Any]) -> tuple[str, dict[str, Any], str | None]:
    """(catalog name, option values, focused option name) from an interaction's `data`."""
    name = data["name"]
    options = data.get("options", [])
    if options and options[0].get("type") == SUB_COMMAND:
        name = f"{name} {options[0]['name']}"
        options = options[0].get("options", [])
    values = {o["name"]: o.get("value") for o in options}
    focused = next((o["name"] for o in options if o.get("focused")), None)
    return name, values, focused
