"""Settings: validated, errors name the key or variable, secrets only by name, check-config."""

import base64
import shlex
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config_file import ConfigError, check_file, load_settings, token_problem

ROOT = Path(__file__).resolve().parents[1]


def test_example_file_is_valid_and_matches_the_defaults():
    from_file = load_settings(ROOT / "config.example.toml", environ={})
    assert from_file == load_settings(None, environ={})


def test_formats_from_the_file(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[bot]\ndefault_format = "lightning"\n[formats.lightning]\npre_vote = "90s"\n'
                    'post_vote = "1m"\n'
                    'rounds = [{name = "all in", duration = "2h", sides = [1, 2]}]\n')
    settings = load_settings(path, environ={})
    fmt = settings.format("lightning")
    assert fmt.pre_vote == timedelta(seconds=90) and fmt.rounds[0].sides == (1, 2)
    assert "oxford" in settings.formats  # built-ins stay available


@pytest.mark.parametrize("body, message", [
    ('[limits]\nmax_text = "lots"', "limits.max_text: Input should be a valid integer"),
    ("[limits]\nmax_text = 10", "limits.max_text: Input should be greater than or equal to 50"),
    ("[bot]\ncolour = 1", "bot.colour: unknown setting"),
    ('[formats.x]\npre_vote = "soon"\npost_vote = "1m"\nrounds = [{name="a", duration="1m"}]',
     "formats.x.pre_vote: 'soon' is not a duration"),
    ('[bot]\ndefault_format = "marathon"', "'marathon' is not a format"),
    ('[storage]\nurl = "mysql://x"', "url must start with sqlite:///"),
    ("[limits\n", "not valid TOML"),
])
def test_bad_files_name_the_key(tmp_path, body, message):
    path = tmp_path / "bad.toml"
    path.write_text(body)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})
    assert message in str(caught.value)


def test_environment_overrides_one_key():
    settings = load_settings(None, environ={"STEELMAN__LIMITS__MAX_TEXT": "900"})
    assert settings.limits.max_text == 900


def test_check_config_command(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[limits]\nmax_sides = 99\n")

    def run(*args):
        return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT,
                              capture_output=True, text=True)
    good = run("check-config", "config.example.toml")
    assert good.returncode == 0 and "valid" in good.stdout
    failed = run("check-config", str(bad))
    assert failed.returncode == 2 and "limits.max_sides" in failed.stderr


def test_run_without_any_platform_explains_and_fails(tmp_path):
    done = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=tmp_path,
                          capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert done.returncode != 0 and "python -m bot console" in done.stderr


# -- lists and nested values from the environment

@pytest.mark.parametrize("name, value, read, expected", [
    ("STEELMAN__DISCORD__DEV_GUILDS", "123", lambda s: s.discord.dev_guilds, [123]),
    ("STEELMAN__DISCORD__DEV_GUILDS", "[1,2]", lambda s: s.discord.dev_guilds, [1, 2]),
    ("STEELMAN__DISCORD__DEV_GUILDS", "", lambda s: s.discord.dev_guilds, []),
    ("STEELMAN__SLACK__MODERATORS", "U1, U2", lambda s: s.slack.moderators, ["U1", "U2"]),
    ("STEELMAN__DISCORD__SHARD_IDS", "0", lambda s: s.discord.shard_ids, [0]),
])
def test_lists_from_the_environment(name, value, read, expected):
    assert read(load_settings(None, environ={name: value})) == expected


def test_one_key_of_a_builtin_format_from_the_environment():
    settings = load_settings(None, environ={"STEELMAN__FORMATS__QUICK__PRE_VOTE": "2m"})
    quick = settings.format("quick")
    assert quick.pre_vote == timedelta(minutes=2)
    assert [r.name for r in quick.rounds] == ["open floor"]  # the rest of the built-in stays


def test_one_key_of_a_format_in_the_file_from_the_environment(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[formats.lightning]\npre_vote = "90s"\npost_vote = "1m"\n'
                    'rounds = [{name = "all in", duration = "2h"}]\n')
    settings = load_settings(path, environ={"STEELMAN__FORMATS__LIGHTNING__POST_VOTE": "3m"})
    fmt = settings.format("lightning")
    assert fmt.post_vote == timedelta(minutes=3) and fmt.pre_vote == timedelta(seconds=90)


@pytest.mark.parametrize("name, value, message", [
    ("STEELMAN__DISCORD__DEV_GUILDS", "abc",
     "STEELMAN__DISCORD__DEV_GUILDS (discord.dev_guilds.0): Input should be a valid integer"),
    ("STEELMAN__DISCORD__DEV_GUILDS", "[1,", "STEELMAN__DISCORD__DEV_GUILDS (discord.dev_guilds): "
                                             "not valid JSON"),
    ("STEELMAN__LIMITS__MAX_TEXT", "10", "STEELMAN__LIMITS__MAX_TEXT (limits.max_text): "
                                         "Input should be greater than or equal to 50"),
    ("STEELMAN__BOT__DEFAULT_FORMAT", "marathon",
     "STEELMAN__BOT__DEFAULT_FORMAT (bot.default_format): 'marathon' is not a format"),
    ("STEELMAN__STORAGE__URL", "mysql://x", "STEELMAN__STORAGE__URL (storage.url): the url must"),
    ("STEELMAN__DISCORD__TKEN_ENV", "X",
     "STEELMAN__DISCORD__TKEN_ENV (discord.tken_env): unknown setting; did you mean token_env?"),
    ("STEELMAN__NOPE__X", "1", "STEELMAN__NOPE__X (nope): unknown setting"),
])
def test_a_bad_override_names_its_variable(name, value, message):
    with pytest.raises(ConfigError) as caught:
        load_settings(None, environ={name: value})
    assert message in str(caught.value)


def test_every_bad_override_is_named_at_once(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[limits]\nmax_text = 10\n")
    env = {"STEELMAN__DISCORD__DEV_GUILDS": "abc", "STEELMAN__SLACK__HTTP_PORT": "0"}
    problems = check_file(path, environ=env)
    assert len(problems) == 3
    assert problems[0].startswith("limits.max_text: ")
    assert {p.split(" ")[0] for p in problems[1:]} == set(env)


# -- check-config: every problem, did-you-mean, secrets

# Shaped like a real one (the first part is the base64 of an application id), but made up.
APPLICATION_ID = base64.b64encode(b"123456789012345678").decode().rstrip("=")
DISCORD_TOKEN = APPLICATION_ID + ".GhIjKl." + "a" * 38
SIGNING_SECRET = "0123456789abcdef0123456789abcdef"


def check(tmp_path, body, environ=None):
    path = tmp_path / "c.toml"
    path.write_text(body)
    return check_file(path, environ={} if environ is None else environ)


def test_check_file_finds_nothing_wrong_with_the_example():
    assert check_file(ROOT / "config.example.toml", environ={}) == []


def test_check_file_reports_every_problem_at_once(tmp_path):
    problems = check(tmp_path, '[limits]\nmax_text = 10\nmax_sides = 99\n[bot]\ncolour = 1\n')
    keys = {p.split(":")[0] for p in problems}
    assert keys == {"limits.max_text", "limits.max_sides", "bot.colour"}


@pytest.mark.parametrize("body, line", [
    ('[discord]\ntken_env = "X"', "discord.tken_env: unknown setting; did you mean token_env?"),
    ("[slack]\nhttp_prot = 80", "slack.http_prot: unknown setting; did you mean http_port?"),
    ("[bot]\ncolour = 1", "bot.colour: unknown setting (see config.example.toml"),
])
def test_check_file_suggests_the_setting_meant(tmp_path, body, line):
    assert check(tmp_path, body)[0].startswith(line)


@pytest.mark.parametrize("body, line", [
    ('[storage]\nurl = "postgresql://steelman:hunter2@db:5432/steelman"',
     "storage.url: holds a password; put the password in the variable named by "
     "storage.password_env"),
    (f'[discord]\ntoken = "{DISCORD_TOKEN}"',
     "discord.token: a secret is not a setting; put it in the variable named by "
     "discord.token_env (DISCORD_TOKEN)"),
    ('[discord]\ntoken_env = "BOT_TOKEN"\ntoken = "x"',
     "discord.token: a secret is not a setting; put it in the variable named by "
     "discord.token_env (BOT_TOKEN)"),
    ('[slack]\nsigning_secret = "x"', "(SLACK_SIGNING_SECRET)"),
    (f'[discord]\ntoken_env = "{DISCORD_TOKEN}"',
     "discord.token_env: this is a Discord bot token, and secrets never go in the settings; "
     "put it in the variable named by discord.token_env (DISCORD_TOKEN)"),
    ('[slack]\nbot_token_env = "xoxb-1234-5678-abcdef"',
     "slack.bot_token_env: this is a Slack bot token, and secrets never go in the settings; "
     "put it in the variable named by slack.bot_token_env (SLACK_BOT_TOKEN)"),
    ('[slack]\nmoderators = ["xapp-1-A01-2345-abcdef"]', "slack.moderators.0: this is a Slack "
                                                         "app-level token"),
    (f'[slack]\nsigning_secret_env = "{SIGNING_SECRET}"', "(SLACK_SIGNING_SECRET)"),
])
def test_a_secret_in_the_file_says_where_it_goes(tmp_path, body, line):
    problems = check(tmp_path, body)
    assert len(problems) == 1 and line in problems[0]
    assert "hunter2" not in problems[0] and DISCORD_TOKEN not in problems[0]  # never echoed


def test_the_bot_refuses_a_secret_in_the_file_as_check_config_does(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[storage]\nurl = "postgresql://steelman:hunter2@db/steelman"\n')
    with pytest.raises(ConfigError, match="storage.password_env"):
        load_settings(path, environ={})


def test_a_password_in_the_url_from_the_environment_is_allowed():
    url = "postgresql://steelman:hunter2@db/steelman"
    assert load_settings(None, environ={"STEELMAN__STORAGE__URL": url}).storage.url == url


# -- a token's shape

@pytest.mark.parametrize("kind, value", [
    ("discord", DISCORD_TOKEN),
    ("slack_bot", "xoxb-1234-5678-abcdef"),
    ("slack_app", "xapp-1-A01-2345-abcdef"),
    ("slack_signing_secret", SIGNING_SECRET),
])
def test_a_token_of_the_right_shape_passes(kind, value):
    assert token_problem(kind, value) is None


@pytest.mark.parametrize("kind, value, says", [
    ("discord", "Bot " + DISCORD_TOKEN, 'starts with "Bot "'),
    ("discord", "garbage", "is not a Discord bot token: that is three parts"),
    ("discord", "abc.def.ghi", "its first part should encode the application id"),
    ("discord", DISCORD_TOKEN + "\n", "has spaces, a line break or quotes around it"),
    ("discord", "", "is empty"),
    ("slack_bot", "xapp-1-A01-2345-abcdef", "should start with xoxb-"),
    ("slack_bot", "xapp-1-A01-2345-abcdef", "this is an app-level token"),
    ("slack_app", "xoxb-1234-5678-abcdef", "should start with xapp-"),
    ("slack_bot", "xoxp-1234-5678", "this is a user token"),
    ("slack_signing_secret", "xoxb-1234", "is not a signing secret"),
])
def test_a_token_of_the_wrong_shape_says_what_is_wrong(kind, value, says):
    assert says in token_problem(kind, value)


# -- where the database goes by default (Dockerfile)

def dockerfile_env() -> dict[str, str]:
    """The variables the image sets, as its processes see them."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    pairs = [line.split(None, 1)[1] for line in text.splitlines() if line.startswith("ENV ")]
    return dict(item.split("=", 1) for pair in pairs for item in shlex.split(pair))


def test_in_the_image_a_config_files_url_wins(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[storage]\nurl = "postgresql://steelman@db:5432/steelman"\n')
    settings = load_settings(path, environ=dockerfile_env())
    assert settings.storage.url == "postgresql://steelman@db:5432/steelman"


def test_in_the_image_the_database_defaults_to_the_data_volume(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[discord]\nenabled = true\n")
    on_the_volume = "sqlite:////data/steelman.db"
    assert load_settings(path, environ=dockerfile_env()).storage.url == on_the_volume
    assert load_settings(None, environ=dockerfile_env()).storage.url == on_the_volume


def test_the_environment_still_overrides_the_files_url(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[storage]\nurl = "sqlite:///here.db"\n')
    env = {**dockerfile_env(), "STEELMAN__STORAGE__URL": "sqlite:///there.db"}
    assert load_settings(path, environ=env).storage.url == "sqlite:///there.db"
