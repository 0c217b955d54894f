"""Settings: pydantic models read from TOML, overridden from the environment; secrets by name.

Precedence, lowest first: the built-in defaults, then the settings file, then
`STEELMAN__SECTION__KEY=value` variables (e.g. `STEELMAN__STORAGE__URL`). From a variable a list
setting takes `1,2`, `1` or JSON `[1, 2]`, and deeper keys reach into a section
(`STEELMAN__FORMATS__QUICK__PRE_VOTE=2m` changes that one key of a format).

Where the default SQLite file lives is itself a default: `STEELMAN_DATA_DIR` moves it (the Docker
image sets /data), and a `url` in the file or the environment still wins. An image that set
`STEELMAN__STORAGE__URL` instead would override every config file's url.

Secrets (tokens, database passwords) are never settings: a `*_env` setting names the variable that
holds each one, `secret()` reads it, and a secret found in the settings is an error saying where it
goes instead. This module holds the models; `bot.config_file` reads them from the file and the
environment (`load_settings`, `check_file`, `secret`).
"""

from __future__ import annotations

import re
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

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
        raise ValueError(
            f"{value!r} is not a duration: use a number and a unit, like 90s, 30m, 2h or 1d"
        )
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


class SettingError(ValueError):
    """A check across a model's fields about one of them: `key` files the error under that one."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = tuple(key.split("."))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RoundConfig(Strict):
    name: str = Field(min_length=1, max_length=40)
    duration: Duration
    sides: Literal["all"] | list[Annotated[int, Field(ge=1, le=10)]] = "all"
    per_person_limit: int | None = Field(default=None, ge=1, le=100)
    kind: Literal["arguments", "itt"] = "arguments"  # itt: an ideological Turing test round
    # Reminders in the thread this long before the round closes; unset: the format's remind_before.
    remind_before: list[Duration] | None = Field(default=None, max_length=5)

    @model_validator(mode="after")
    def _reminders_fit(self) -> "RoundConfig":
        for before in self.remind_before or ():
            if not timedelta(0) < before < self.duration:
                raise SettingError("remind_before", f"a reminder {before} before the {self.name} round "
                                   f"closes does not fit in the round, which lasts {self.duration}")
        return self


class FormatConfig(Strict):
    pre_vote: Duration
    post_vote: Duration
    rounds: list[RoundConfig] = Field(min_length=1, max_length=10)
    # Reminders in the thread this long before each phase (votes and rounds) closes; a phase shorter than
    # a reminder skips it.
    remind_before: list[Duration] = Field(default=[], max_length=5)
    restate: bool = False  # a rebuttal must start with a one-line restatement of what it answers
    voting: list[Literal["hidden", "anonymous"]] = []  # hidden: no counts until close; anonymous: no names

    def to_format(self, name: str) -> Format:
        rounds = tuple(
            RoundSpec(r.name, r.duration, None if r.sides == "all" else tuple(r.sides),
                      r.per_person_limit, None if r.remind_before is None else tuple(r.remind_before),
                      kind=r.kind)
            for r in self.rounds
        )
        voting = tuple(dict.fromkeys(self.voting))
        return Format(name, self.pre_vote, rounds, self.post_vote, tuple(self.remind_before),
                      restate=self.restate, voting=voting)


_FORMATS_FILE = Path(__file__).with_name("formats.toml")


def _builtin_formats() -> dict[str, FormatConfig]:
    """The formats shipped in bot/formats.toml (read once per call: settings are built rarely)."""
    with _FORMATS_FILE.open("rb") as f:
        return {name: FormatConfig.model_validate(body) for name, body in tomllib.load(f).items()}


class BotSettings(Strict):
    default_format: str = "oxford"
    # Members who joined the community more recently than this may not record positions (votes); 0s: off.
    # Discord says when a member joined; Slack does not, so on Slack (and the console) it does not apply.
    min_membership_age: Duration = timedelta(0)
    max_active_debates_per_channel: int = Field(default=5, ge=1, le=100)


class Limits(Strict):
    max_text: int = Field(default=1500, ge=50, le=4000)
    max_motion: int = Field(default=300, ge=20, le=1000)
    max_sides: int = Field(default=6, ge=2, le=10)
    max_reason: int = Field(default=500, ge=20, le=2000)
    # Per member and debate, so one member cannot flood a thread (a clear reply says when to post again).
    arguments_per_minute: int = Field(default=3, ge=1, le=1000)
    arguments_per_debate: int = Field(default=30, ge=1, le=100000)
    position_changes_per_minute: int = Field(default=4, ge=1, le=1000)
    position_changes_per_debate: int = Field(default=20, ge=1, le=100000)
    # The same for every other thing a member does in a debate (changes count; a repeat is free):
    # agree / disagree / pass votes, endorsements and reactions included; ITT entries and verdicts;
    # steelman ratings; answers to restatements; opinion-group maps asked for.
    votes_per_minute: int = Field(default=20, ge=1, le=1000)
    votes_per_debate: int = Field(default=2000, ge=1, le=100000)
    itt_entries_per_minute: int = Field(default=2, ge=1, le=1000)
    itt_entries_per_debate: int = Field(default=10, ge=1, le=100000)
    itt_verdicts_per_minute: int = Field(default=10, ge=1, le=1000)
    itt_verdicts_per_debate: int = Field(default=200, ge=1, le=100000)
    steelman_ratings_per_minute: int = Field(default=5, ge=1, le=1000)
    steelman_ratings_per_debate: int = Field(default=50, ge=1, le=100000)
    restatement_answers_per_minute: int = Field(default=10, ge=1, le=1000)
    restatement_answers_per_debate: int = Field(default=200, ge=1, le=100000)
    group_maps_per_minute: int = Field(default=2, ge=1, le=1000)
    group_maps_per_debate: int = Field(default=30, ge=1, le=100000)


class StorageSettings(Strict):
    url: str = "sqlite:///data/steelman.db"
    password_env: str | None = None  # name of the variable holding a PostgreSQL password
    # SQLite: FULL makes an acknowledged command survive a power cut (group commit keeps it cheap);
    # NORMAL may lose the last moments of acknowledged writes then, never the file's consistency.
    synchronous: Literal["FULL", "NORMAL"] = "FULL"
    # SQLite: the longest a command waits for a write lock another process holds before its member is
    # told "could not save, try again": it bounds how long one stuck writer stalls every community.
    busy_timeout_ms: int = Field(default=3000, ge=50, le=60000)

    @model_validator(mode="after")
    def _known_scheme(self) -> "StorageSettings":
        if not re.match(r"^(sqlite:///|sqlite://:memory:|postgres(ql)?://)", self.url):
            raise SettingError(
                "url",
                "the url must start with sqlite:/// (a file path) or postgresql:// (a server)",
            )
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
    dev_guilds: list[int] = []  # sync commands to these guilds only (instant), not globally
    moderator_roles: list[str] = []  # role names or ids who moderate, besides Manage Server etc.
    reactions_endorse: bool = True  # 👍 on an argument agrees (endorses), 👎 disagrees; removing withdraws
    shard_count: int | None = Field(default=None, ge=1)
    shard_ids: list[int] | None = None  # the shards this process runs (processes share the load)


class SlackSettings(Strict):
    enabled: bool = False
    mode: Literal["socket", "http"] = "socket"
    bot_token_env: str = "SLACK_BOT_TOKEN"
    app_token_env: str = "SLACK_APP_TOKEN"  # Socket Mode only
    signing_secret_env: str = "SLACK_SIGNING_SECRET"  # HTTP mode
    http_host: str = "0.0.0.0"
    http_port: int = Field(default=3000, ge=1, le=65535)
    moderators: list[str] = []  # user ids (U...) who moderate, besides workspace admins, owners
    reactions_endorse: bool = True
    api_url: str | None = None  # Slack's Web API base URL; only for a proxy or a test server


class OpsSettings(Strict):
    enabled: bool = False  # serve /healthz, /readyz and /metrics over HTTP
    http_host: str = "127.0.0.1"  # a private address: whoever reaches it sees how busy the bot is
    http_port: int = Field(default=9464, ge=1, le=65535)
    # on SIGTERM, the most a clean exit takes
    shutdown_seconds: float = Field(default=8, ge=1, le=300)


class ScheduleSettings(Strict):
    default_zone: str = "UTC"  # IANA zone of a /schedule add that names none
    min_interval: Duration = timedelta(hours=1)  # schedules may not run more often than this
    grace: Duration = timedelta(hours=1)  # a run missed while down still fires this late; later, skipped
    max_per_space: int = Field(default=10, ge=1, le=1000)


class OpinionConfig(Strict):
    """Opinion groups found from agree / disagree / pass votes (issue 18), shown in the results."""

    min_votes: int = Field(default=7, ge=1, le=1000)  # a member is counted with min(this, arguments) votes
    min_members: int = Field(default=5, ge=3, le=1000)  # fewer counted members: no groups, and why
    min_groups: int = Field(default=2, ge=2, le=20)  # silhouette chooses the count in this range
    max_groups: int = Field(default=5, ge=2, le=20)

    @model_validator(mode="after")
    def _range(self) -> "OpinionConfig":
        if self.min_groups > self.max_groups:
            raise SettingError("opinion.max_groups",
                               f"{self.max_groups} is below min_groups ({self.min_groups})")
        return self


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
    schedule: ScheduleSettings = ScheduleSettings()
    summary: SummarySettings = SummarySettings()
    opinion: OpinionConfig = OpinionConfig()
    formats: dict[str, FormatConfig] = Field(default_factory=_builtin_formats)
    ops: OpsSettings = OpsSettings()

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
            raise SettingError(
                "bot.default_format", f"{self.bot.default_format!r} is not a format ({allowed})"
            )
        return self

    def format(self, name: str) -> Format:
        return self.formats[name].to_format(name)
