"""Settings: validated, errors name the key, secrets only by variable name, check-config on the command line."""

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[1]


def test_example_file_is_valid_and_matches_the_defaults():
    from_file = load_settings(ROOT / "config.example.toml", environ={})
    assert from_file == load_settings(None, environ={})


def test_formats_from_the_file(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[bot]\ndefault_format = "lightning"\n[formats.lightning]\npre_vote = "90s"\n'
                    'post_vote = "1m"\nrounds = [{name = "all in", duration = "2h", sides = [1, 2]}]\n')
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
    run = lambda *a: subprocess.run([sys.executable, "-m", "bot", *a], cwd=ROOT, capture_output=True, text=True)  # noqa: E731
    good = run("check-config", "config.example.toml")
    assert good.returncode == 0 and "valid" in good.stdout
    failed = run("check-config", str(bad))
    assert failed.returncode == 2 and "limits.max_sides" in failed.stderr


def test_run_without_any_platform_explains_and_fails(tmp_path):
    done = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=tmp_path, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert done.returncode != 0 and "python -m bot console" in done.stderr
