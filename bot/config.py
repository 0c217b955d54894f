"""Settings: pydantic models read from TOML, overridable by environment, secrets only by variable name.

`STEELMAN__SECTION__KEY=value` overrides one key (e.g. `STEELMAN__STORAGE__URL`). Secrets (tokens, database
passwords) are never in the file: the file names the environment variable that holds them.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from bot.domain import Format, RoundSpec

_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_duration(value: Any) -> timedelta:
    """'90s', '30m', '2h', '1d' (or a number of seconds) -> timedelta."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return timedelta(seconds=value)
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(f"{value!r} is not a duration: use a number and a unit, like 90s, 30m, 2h or 1d")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RoundConfig(Strict):
    name: str = Field(min_length=1, max_length=40)
    duration: Duration
    sides: Literal["all"] | list[Annotated[int, Field(ge=1, le=10)]] = "all"
    per_person_limit: int | None = Field(default=None, ge=1, le=100)


class FormatConfig(Strict):
    pre_vote: Duration
    post_vote: Duration
    rounds: list[RoundConfig] = Field(min_length=1, max_length=10)

    def to_format(self, name: str) -> Format:
        rounds = tuple(
            RoundSpec(r.name, r.duration, None if r.sides == "all" else tuple(r.sides), r.per_person_limit)
            for r in self.rounds
        )
        return Format(name, self.pre_vote, rounds, self.post_vote)


def _builtin_formats() -> dict[str, FormatConfig]:
    return {
        "oxford": FormatConfig(
            pre_vote="15m",
            post_vote="15m",
            rounds=[
                RoundConfig(name="opening", duration="1h", per_person_limit=2),
                RoundConfig(name="rebuttal", duration="1h", per_person_limit=3),
                RoundConfig(name="closing", duration="30m", per_person_limit=1),
            ],
        ),
        "quick": FormatConfig(
            pre_vote="5m", post_vote="5m", rounds=[RoundConfig(name="open floor", duration="20m")]
        ),
    }


class BotSettings(Strict):
    default_format: str = "oxford"
    max_active_debates_per_channel: int = Field(default=5, ge=1, le=100)


class Limits(Strict):
    max_text: int = Field(default=1500, ge=50, le=4000)
    max_motion: int = Field(default=300, ge=20, le=1000)
    max_sides: int = Field(default=6, ge=2, le=10)
    max_reason: int = Field(default=500, ge=20, le=2000)


class StorageSettings(Strict):
    url: str = "sqlite:///data/steelman.db"
    password_env: str | None = None  # name of the variable holding a PostgreSQL password

    @model_validator(mode="after")
    def _known_scheme(self) -> "StorageSettings":
        if not re.match(r"^(sqlite:///|sqlite://:memory:|postgres(ql)?://)", self.url):
            raise ValueError("url must start with sqlite:/// (a file path) or postgresql:// (a server)")
        return self


class AgendaSettings(Strict):
    lease_seconds: int = Field(default=30, ge=5, le=3600)
    delivery_attempts: int = Field(default=8, ge=1, le=100)
    max_sleep_seconds: float = Field(default=60, gt=0, le=3600)


class ConsoleSettings(Strict):
    space: str = "local"
    channel: str = "ai-policy"
    moderators: list[str] = ["mod"]


class DiscordSettings(Strict):
    enabled: bool = False
    token_env: str = "DISCORD_TOKEN"  # name of the environment variable holding the bot token
    dev_guilds: list[int] = []  # sync commands to these guilds only (instant), instead of globally
    moderator_roles: list[str] = []  # role names or ids whose members moderate, besides Manage Server/Threads
    reactions_endorse: bool = True  # a 👍 on an argument endorses it; removing it withdraws
    shard_count: int | None = Field(default=None, ge=1)
    shard_ids: list[int] | None = None  # the shards this process runs (several processes share the load)


class SlackSettings(Strict):
    enabled: bool = False
    mode: Literal["socket", "http"] = "socket"
    bot_token_env: str = "SLACK_BOT_TOKEN"
    app_token_env: str = "SLACK_APP_TOKEN"  # Socket Mode only
    signing_secret_env: str = "SLACK_SIGNING_SECRET"  # HTTP mode
    http_host: str = "0.0.0.0"
    http_port: int = Field(default=3000, ge=1, le=65535)
    moderators: list[str] = []  # user ids (U...) who moderate, besides workspace admins and owners
    reactions_endorse: bool = True
    api_url: str | None = None  # Slack's Web API base URL; only for a proxy or a test server


class SummarySettings(Strict):
    # "llm" makes a language model available; each space still opts in (/steelman-engine use:llm).
    engine: Literal["extractive", "llm"] = "extractive"
    provider: Literal["openai", "anthropic"] = "openai"  # openai: any OpenAI-compatible endpoint
    base_url: str | None = None  # e.g. http://127.0.0.1:11434/v1 for Ollama; unset: the provider's own
    model: str = ""
    api_key_env: str = "STEELMAN_LLM_API_KEY"  # name of the environment variable holding the key
    timeout: float = Field(default=30, gt=0, le=600)  # seconds per request
    max_tokens: int = Field(default=800, ge=50, le=8000)  # per side's answer


class Settings(Strict):
    bot: BotSettings = BotSettings()
    limits: Limits = Limits()
    storage: StorageSettings = StorageSettings()
    agenda: AgendaSettings = AgendaSettings()
    console: ConsoleSettings = ConsoleSettings()
    discord: DiscordSettings = DiscordSettings()
    slack: SlackSettings = SlackSettings()
    summary: SummarySettings = SummarySettings()
    formats: dict[str, FormatConfig] = Field(default_factory=_builtin_formats)

    @model_validator(mode="before")
    @classmethod
    def _merge_builtin_formats(cls, data: Any) -> Any:
        if isinstance(data, dict) and "formats" in data:
            data = {**data, "formats": {**_builtin_formats(), **data["formats"]}}
        return data

    @model_validator(mode="after")
    def _default_format_exists(self) -> "Settings":
        if self.bot.default_format not in self.formats:
            allowed = ", ".join(sorted(self.formats))
            raise ValueError(f"bot.default_format {self.bot.default_format!r} is not a format ({allowed})")
        return self

    def format(self, name: str) -> Format:
        return self.formats[name].to_format(name)


def secret(variable: str | None, environ: dict[str, str] | None = None) -> str | None:
    """The one place secrets are read: the value of the environment variable a `*_env` setting names."""
    if not variable:
        return None
    return (os.environ if environ is None else environ).get(variable) or None


class ConfigError(Exception):
    """A settings file or environment override that does not validate; the message names the key."""


def _env_overrides(data: dict[str, Any], environ: dict[str, str]) -> dict[str, Any]:
    for name, value in environ.items():
        if not name.startswith("STEELMAN__"):
            continue
        keys = [k.lower() for k in name.removeprefix("STEELMAN__").split("__") if k]
        node = data
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        if keys:
            node[keys[-1]] = value
    return data


def _describe(error: ValidationError, source: str) -> str:
    lines = [f"{source}: the settings are not valid:"]
    for item in error.errors():
        key = ".".join(str(p) for p in item["loc"]) or "(top level)"
        msg = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            msg = "unknown setting (see config.example.toml for every setting)"
        lines.append(f"  {key}: {msg}")
    return "\n".join(lines)


def load_settings(path: str | Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    environ = dict(os.environ if environ is None else environ)
    data: dict[str, Any] = {}
    source = "defaults"
    if path is not None:
        source = str(path)
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{path}: no such settings file") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    try:
        return Settings.model_validate(_env_overrides(data, environ))
    except ValidationError as exc:
        raise ConfigError(_describe(exc, source)) from None
