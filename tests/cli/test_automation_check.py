"""`kafinea-tui automation check` exits 2 on every error of config.toml, a file that is not
TOML included (its help says so; a script gating a config change relies on it)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.run_cli import cli


def test_a_config_that_is_not_toml_exits_2_with_its_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('timezone = "Europe/Paris"\n[[workflows]\nname=')
    done = cli(tmp_path, "automation", "check")
    assert done.returncode == 2, done.stderr
    assert done.stderr == (
        "kafinea-tui: config.toml is not valid TOML: Expected ']]' at the end of an array"
        " declaration (at line 2, column 12)\n"
    )
    assert done.stdout == "0 endpoint(s), 0 workflow(s), 0 schedule(s) ready; 1 error(s).\n"


def test_the_json_of_a_config_that_is_not_toml(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[smtp\n")
    done = cli(tmp_path, "automation", "check", "--json")
    assert done.returncode == 2, done.stderr
    summary = json.loads(done.stdout)
    assert summary["endpoints"] == summary["workflows"] == summary["schedules"] == []
    [error] = summary["errors"]
    assert error.startswith("config.toml is not valid TOML: ") and "(at line 1, column 6)" in error


def test_the_help_says_exit_2(tmp_path: Path) -> None:
    done = cli(tmp_path, "automation", "--help")
    assert "exit 2 on errors" in done.stdout


def test_check_names_a_misspelt_key_and_exits_2(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        '[[endpoints]]\nname = "f"\nurl = "http://127.0.0.1:9/x"\nsecrett = "whsec_x"\n'
    )
    done = cli(tmp_path, "automation", "check")
    assert done.returncode == 2
    assert done.stderr == (
        "kafinea-tui: endpoints[1].secrett: unknown key; the keys are name, url, headers,"
        " secret, format, retries, timeout, backoff\n"
    )
