"""Where settings come from: the TOML file, then `STEELMAN__SECTION__KEY=value` variables over the
defaults of the models in `bot.config`; secrets read by name (`secret`), and secrets found in the settings
refused with where they go instead; `check-config`'s one-line-per-problem report.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import json
import os
import re
import tomllib
import types
from collections.abc import Iterator, Mapping
from inspect import isclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError

from bot.config import Settings, _builtin_formats


def secret(variable: str | None, environ: Mapping[str, str] | None = None) -> str | None:
    """The one place secrets are read: the value of the variable a `*_env` setting names."""
    if not variable:
        return None
    return (os.environ if environ is None else environ).get(variable) or None


class ConfigError(Exception):
    """Settings that do not validate; the message has one line per problem, naming its key."""


PREFIX = "STEELMAN__"
DATA_DIR = "STEELMAN_DATA_DIR"  # where the default SQLite file goes when no url is configured
KeyPath = tuple[str | int, ...]


# -- the type of a setting, found by walking the models (lists and did-you-mean need it)

def _options(annotation: Any) -> tuple[Any, ...]:
    if get_origin(annotation) is Annotated:
        return _options(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        return tuple(o for a in get_args(annotation) for o in _options(a))
    return (annotation,)


def _step(annotation: Any, key: str | int) -> Any:
    for option in _options(annotation):
        if isclass(option) and issubclass(option, BaseModel):
            field = option.model_fields.get(str(key))
            return field.annotation if field else None
        if get_origin(option) is dict:
            return get_args(option)[1]
        if get_origin(option) is list and isinstance(key, int):
            return get_args(option)[0]
    return None


def _annotation(path: KeyPath) -> Any:
    """The type of the setting at `path` (None for no such setting)."""
    annotation: Any = Settings
    for key in path:
        annotation = _step(annotation, key)
    return annotation


def _fields(path: KeyPath) -> list[str]:
    model = _annotation(path)
    return list(model.model_fields) if isclass(model) and issubclass(model, BaseModel) else []


# -- overrides from the environment

def _takes_list(path: KeyPath, text: str) -> bool:
    options = [o for o in _options(_annotation(path)) if o is not type(None)]
    lists = [o for o in options if get_origin(o) is list]
    # `sides` is "all" or a list: only a comma makes its value a list.
    return bool(lists) and (len(lists) == len(options) or "," in text)


def _env_value(path: KeyPath, raw: str) -> Any:
    """A variable's text as the setting's type: JSON for [..] and {..}, a list from 1,2 or 1."""
    text = raw.strip()
    if _options(_annotation(path)) == (str,):  # a name or a url is taken as written
        return raw
    if text[:1] in ("[", "{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not valid JSON ({exc.msg} at character {exc.pos + 1}); "
                             "write a list as 1,2 or as [1, 2]") from None
    if _takes_list(path, text):
        return [item.strip() for item in text.split(",") if item.strip()]
    return raw


def _with_builtin_format(data: dict[str, Any], path: KeyPath) -> None:
    # One key of a built-in format changes that key only, so the built-in must be there to change.
    if len(path) < 3 or path[0] != "formats":
        return
    builtin = _builtin_formats().get(str(path[1]))
    formats = data.setdefault("formats", {}) if builtin else None
    if isinstance(formats, dict) and builtin and path[1] not in formats:
        formats[path[1]] = builtin.model_dump()


def _set(data: dict[str, Any], path: KeyPath, value: Any) -> None:
    _with_builtin_format(data, path)
    node = data
    for key in path[:-1]:
        node = node.setdefault(key, {})
        if not isinstance(node, dict):
            raise ValueError(f"{key} holds a value, not settings; give the whole value as JSON")
    node[path[-1]] = value


def _apply_environment(data: dict[str, Any], environ: Mapping[str, str]) -> tuple[dict, list[str]]:
    """Writes each STEELMAN__ variable into `data`; returns {setting: variable} and problems."""
    sources: dict[KeyPath, str] = {}
    problems = []
    for name in sorted(n for n in environ if n.startswith(PREFIX)):
        path = tuple(k.lower() for k in name.removeprefix(PREFIX).split("__") if k)
        if not path:
            continue
        try:
            _set(data, path, _env_value(path, environ[name]))
            sources[path] = name
        except ValueError as exc:
            problems.append(f"{name} ({'.'.join(path)}): {exc}")
    return sources, problems


def _default_storage(data: dict[str, Any], environ: Mapping[str, str]) -> None:
    directory = environ.get(DATA_DIR)
    storage = data.setdefault("storage", {}) if directory else None
    if isinstance(storage, dict) and "url" not in storage:
        storage["url"] = f"sqlite:///{Path(directory) / 'steelman.db'}"


# -- secrets where settings belong

# A secret's kind -> what it is, and the setting naming the variable it belongs in.
_SECRETS = {
    "discord": ("a Discord bot token", "discord.token_env"),
    "slack_bot": ("a Slack bot token", "slack.bot_token_env"),
    "slack_app": ("a Slack app-level token", "slack.app_token_env"),
    "slack_signing_secret": ("a Slack signing secret", "slack.signing_secret_env"),
}


def _configured(data: Mapping[str, Any], setting: str) -> str | None:
    section, key = setting.split(".")
    chosen = data.get(section)
    value = chosen.get(key) if isinstance(chosen, dict) else None
    if isinstance(value, str) and _secret_kind(value) is None:
        return value
    return _annotation((section,)).model_fields[key].default


def _where_secrets_go(data: Mapping[str, Any], setting: str) -> str:
    variable = _configured(data, setting)
    if variable:
        return f"put it in the variable named by {setting} ({variable})"
    # Only storage.password_env has no default variable; its example is the one the docs use.
    example = f'{setting.split(".")[1]} = "STEELMAN_DB_PASSWORD"'
    return f"put it in the variable named by {setting} (e.g. {example})"


def _secret_kind(value: str) -> str | None:
    text = value.strip().removeprefix("Bot ")
    if re.match(r"xox[a-z]-", text):
        return "slack_bot"
    if text.startswith("xapp-"):
        return "slack_app"
    if re.fullmatch(r"[0-9a-f]{32}", text):
        return "slack_signing_secret"
    # Real bot tokens are 59 characters or more; shorter dotted words are not worth an alarm.
    return "discord" if len(text) >= 50 and _discord_problem(text) is None else None


def _leaves(node: Any, path: KeyPath = ()) -> Iterator[tuple[KeyPath, Any]]:
    items: Any = ()
    if isinstance(node, (dict, list)):
        items = node.items() if isinstance(node, dict) else enumerate(node)
    if not items:
        yield path, node
    for key, value in items:
        yield from _leaves(value, (*path, key))


def _password_in_url(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    storage = data.get("storage")
    url = storage.get("url") if isinstance(storage, dict) else None
    if not isinstance(url, str) or not urlsplit(url).password:
        return []
    fix = _where_secrets_go(data, "storage.password_env").replace("put it", "put the password")
    return [("storage.url", f"storage.url: holds a password; {fix}, and leave it out of the url")]


def _secrets_in(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(key, problem) for each secret written into the settings file, saying where it goes."""
    found = _password_in_url(data)
    for path, value in _leaves(data):
        kind = _secret_kind(value) if isinstance(value, str) else None
        if kind:
            what, setting = _SECRETS[kind]
            key = ".".join(map(str, path))
            found.append((key, f"{key}: this is {what}, and secrets never go in the settings; "
                               f"{_where_secrets_go(data, setting)}"))
    return found


# -- what is wrong, one line per problem

def _unknown(loc: KeyPath, data: Mapping[str, Any]) -> str:
    fields, key = _fields(loc[:-1]), str(loc[-1])
    if f"{key}_env" in fields:  # `token` beside `token_env`: the secret itself in the settings
        setting = ".".join(map(str, (*loc[:-1], f"{key}_env")))
        return f"a secret is not a setting; {_where_secrets_go(data, setting)}"
    close = difflib.get_close_matches(key, fields, n=1)
    if close:
        return f"unknown setting; did you mean {close[0]}?"
    return "unknown setting (see config.example.toml for every setting)"


def _where(loc: KeyPath, sources: Mapping[KeyPath, str]) -> str:
    key = ".".join(map(str, loc)) or "(top level)"
    # A variable reaching into a plain value, or below no setting, is reported above its own path.
    above = bool(loc) and not _fields(loc)
    for path, name in sources.items():
        if loc[: len(path)] == path or (above and path[: len(loc)] == loc):
            return f"{name} ({key})"
    return key


def _describe(error: ValidationError, sources: Mapping[KeyPath, str], data: Mapping) -> list[str]:
    lines = []
    for item in error.errors():
        loc = tuple(item["loc"]) + getattr(item.get("ctx", {}).get("error"), "key", ())
        unknown = item["type"] == "extra_forbidden"
        message = _unknown(loc, data) if unknown else item["msg"].removeprefix("Value error, ")
        lines.append(f"{_where(loc, sources)}: {message}")
    return lines


class _Unreadable(Exception):
    pass


def _read(path: str | Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _Unreadable("no such settings file") from None
    except tomllib.TOMLDecodeError as exc:
        raise _Unreadable(f"not valid TOML: {exc}") from None


def _check(
    path: str | Path | None, environ: Mapping[str, str] | None
) -> tuple[Settings | None, list[str]]:
    environ = os.environ if environ is None else environ
    data = _read(path)
    secrets = _secrets_in(data)  # in the file only: the environment is where secrets belong
    _default_storage(data, environ)
    sources, problems = _apply_environment(data, environ)
    settings = None
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        problems += _describe(exc, sources, data)
    reported = {p.split(":", 1)[0] for p in problems}  # a secret under an unknown key: said once
    problems += [line for key, line in secrets if key not in reported]
    return (None if problems else settings), problems


def check_file(path: str | Path | None, environ: Mapping[str, str] | None = None) -> list[str]:
    """Every problem with a settings file and the STEELMAN__ overrides, a line each; [] if none."""
    try:
        return _check(path, environ)[1]
    except _Unreadable as exc:
        return [str(exc)]


def load_settings(
    path: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """The settings: defaults < the file at `path` < STEELMAN__ variables of `environ`."""
    try:
        settings, problems = _check(path, environ)
    except _Unreadable as exc:
        raise ConfigError(f"{path}: {exc}") from None
    if problems:
        source = path if path is not None else "the environment"
        raise ConfigError("\n  ".join([f"{source}: the settings are not valid:", *problems]))
    assert settings is not None
    return settings


# -- a token's shape, checked before the platform sees it

TokenKind = Literal["discord", "slack_bot", "slack_app", "slack_signing_secret"]
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
_SLACK_PREFIXES = {"xoxb-": "a bot token", "xapp-": "an app-level token", "xoxp-": "a user token"}
_SLACK_WANTED = {
    "slack_bot": ("xoxb-", "the Bot User OAuth Token, under OAuth & Permissions"),
    "slack_app": ("xapp-", "an App-Level Token with connections:write, under Basic Information"),
}


def _decodes_to_id(part: str) -> bool:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode("ascii").isdigit()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return False


def _discord_problem(token: str) -> str | None:
    if token[:4].lower() == "bot ":
        return 'starts with "Bot ": give the token alone, Steelman adds that prefix itself'
    parts = token.split(".")
    if len(parts) != 3 or not all(_BASE64URL.fullmatch(p) for p in parts):
        return ("is not a Discord bot token: that is three parts of letters, digits, - and _ "
                "joined by dots; copy it from the Developer Portal, Bot, Reset Token")
    if not _decodes_to_id(parts[0]):
        return ("is not a Discord bot token: its first part should encode the application id; "
                "copy the token from the Developer Portal, Bot, Reset Token")
    return None


def _slack_problem(kind: str, token: str) -> str | None:
    prefix, where = _SLACK_WANTED[kind]
    if token.startswith(prefix):
        return None
    this = _SLACK_PREFIXES.get(token[:5], "not a Slack token")
    return f"should start with {prefix} ({where}), but this is {this}"


def _signing_secret_problem(secret_: str) -> str | None:
    if re.fullmatch(r"[0-9a-f]{32}", secret_):
        return None
    return ("is not a signing secret: that is 32 hexadecimal digits, under Basic Information, "
            "App Credentials (not a token)")


def token_problem(kind: TokenKind, value: str) -> str | None:
    """What is wrong with a token's shape, before the platform is asked; None when it looks right.

    The answer follows the variable's name: `f"{variable} {problem}"`.
    """
    if not value.strip():
        return "is empty"
    if value != value.strip() or value[:1] in "\"'":
        return "has spaces, a line break or quotes around it: give the token alone"
    if kind == "discord":
        return _discord_problem(value)
    if kind == "slack_signing_secret":
        return _signing_secret_problem(value)
    return _slack_problem(kind, value)
