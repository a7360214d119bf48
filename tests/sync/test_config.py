"""config.toml's automation: each invalid entry is one sentence naming entry and key."""

from __future__ import annotations

import tomllib
from pathlib import Path

from kafinea_tui.data.schema import Schema, build_schema, builtin_picklist_values
from kafinea_tui.sync.config.load import parse_config, read_config
from tests.cli.run_cli import cli
from tests.sync.factory import factory_config


def schema() -> Schema:
    return build_schema([], builtin_picklist_values())


def test_the_factory_example_reads_without_errors(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(factory_config())
    config = read_config(tmp_path / "config.toml", schema())
    assert config.errors == ()
    assert [w.name for w in config.workflows] == [
        "send approved orders to the factory",
        "tell the customer",
    ]
    assert config.endpoints["factory"].retries == 5
    assert config.workflows[0].changed == ("status",)


def test_each_bad_entry_names_itself_and_the_rest_keeps_running() -> None:
    data = tomllib.loads(
        factory_config(
            extra="""
[[workflows]]
name = "typo"
module = "salesorders"
when = 'statuss = "Approved"'
actions = [{ type = "send", endpoint = "factory" }]

[[workflows]]
name = "nowhere"
module = "salesorders"
actions = [{ type = "send", endpoint = "warehouse" }]

[[workflows]]
name = "bad template"
module = "salesorders"
actions = [{ type = "email", to = "{contact.emial}", subject = "x" }]

[[schedules]]
name = "bad cron"
cron = "0 99 * * *"
action = { type = "send", endpoint = "factory", module = "products" }

[[schedules]]
name = "pull"
every = "5 minutes"
action = { type = "pull", url = "http://127.0.0.1:1/x", module = "salesorders" }

[[schedules]]
name = "misspelt endpoint"
every = "1h"
action = { type = "send", endpoint = "factroy", module = "products" }
"""
        )
    )
    config = parse_config(data, schema())
    assert config.errors == (
        "workflows[3].when: unknown field 'statuss' (at column 1)",
        "workflows[4].actions[1].endpoint: unknown endpoint 'warehouse' (the endpoints: factory)",
        "workflows[5].actions[1].to: Contacts has no field 'emial' (in {contact.emial})",
        "schedules[1].cron: '0 99 * * *' is not a cron expression (minute hour day month weekday)",
        "schedules[2].every: '5 minutes' is not a duration such as 30s, 5m, 1h30m or 1d",
        "schedules[3].action.endpoint: unknown endpoint 'factroy' (the endpoints: factory)",
    )
    assert len(config.workflows) == 2


def test_bad_secret_and_url_and_types_are_sentences() -> None:
    data = {
        "endpoints": [
            {"name": "a", "url": "ftp://x", "secret": "whsec_abc"},
            {"name": "b", "url": "http://x", "secret": "whsec_!!"},
            {"name": "c", "url": "http://x", "retries": "five"},
            {"name": "d", "url": "http://x", "timeout": -1, "backoff": 0},
        ],
        "smtp": {"host": "mail", "timeout": 0.0, "retries": 1000},
    }
    config = parse_config(data, schema())
    assert config.errors == (
        "smtp.timeout: more than 0 and at most 3600 seconds, not 0",
        "smtp.retries: between 0 and 100, not 1000",
        "endpoints[1].url: 'ftp://x' is not an http:// or https:// address",
        "endpoints[1].secret: not a whsec_ secret: whsec_ followed by base64 text",
        "endpoints[2].secret: not a whsec_ secret: whsec_ followed by base64 text",
        "endpoints[3].retries: expected an integer, not 'five'",
        # Saved, they failed every delivery at send time ("Timeout value out of range").
        "endpoints[4].timeout: more than 0 and at most 3600 seconds, not -1",
        "endpoints[4].backoff: more than 0 and at most 3600 seconds, not 0",
    )


def test_every_mistake_of_an_entry_is_said_at_once() -> None:
    """Fixing one mistake should not reveal the next: each key is checked, whatever the
    others hold, but for the module, which the others are checked against."""
    data = tomllib.loads(
        """
[[endpoints]]
name = "factory"
url = "http://127.0.0.1:1/x"

[[workflows]]
name = "many"
module = "salesorders"
on = "sometimes"
when = 'status ='
changed = ["shoe"]
actions = [{ type = "send", endpoint = "nope" }, { type = "update", set = { colour = "red" } }]

[[workflows]]
name = "no module"
module = "orders"
on = "sometimes"
actions = []

[[schedules]]
name = "pull"
every = "5 parsecs"
action = { type = "pull", url = "ftp://x", module = "contacts", duplicates = "smash" }
"""
    )
    config = parse_config(data, schema())
    assert config.errors == (
        "workflows[1].on: 'sometimes' is not one of create, update, create_or_update",
        "workflows[1].when: expected a value, found the end (at column 9)",
        "workflows[1].changed: Sales Orders has no field 'shoe'",
        "workflows[1].actions[1].endpoint: unknown endpoint 'nope' (the endpoints: factory)",
        "workflows[1].actions[2].set: Sales Orders has no field 'colour' an action can set",
        "workflows[2].module: unknown module 'orders'; the modules are contacts,"
        " organizations, leads, products, salesorders",
        "schedules[1].every: '5 parsecs' is not a duration such as 30s, 5m, 1h30m or 1d",
        "schedules[1].action.url: 'ftp://x' is not an http:// or https:// address",
        "schedules[1].action.duplicates: 'smash' is not one of overwrite, merge, ignore",
    )
    assert (config.workflows, config.schedules) == ((), ())


def test_update_values_that_cannot_be_set_are_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        """
[[workflows]]
name = "w"
module = "contacts"
actions = [{ type = "update", set = { birthdate = "someday", do_not_call = "perhaps" } }]
"""
    )
    done = cli(tmp_path, "automation", "check")
    assert done.returncode == 2
    assert done.stdout.startswith("0 endpoint(s), 0 workflow(s), 0 schedule(s) ready; 1 error(s)")
    assert done.stderr == (
        "kafinea-tui: workflows[1] (w): set: Birthdate is not a date (yyyy-mm-dd): 'someday';"
        " Do Not Call is not yes or no: 'perhaps'\n"
    )


def test_invalid_toml_is_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[[workflows]\nname=")
    config = read_config(tmp_path / "config.toml", schema())
    assert len(config.errors) == 1 and "not valid TOML" in config.errors[0]


def test_automation_check_exits_2_on_errors_and_0_when_clean(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(factory_config())
    clean = cli(tmp_path, "automation", "check")
    assert clean.returncode == 0, clean.stderr
    assert "2 workflow(s)" in clean.stdout
    (tmp_path / "config.toml").write_text(
        factory_config().replace("when = 'status = \"Approved\"'", "when = 'statuss = 1'")
    )
    bad = cli(tmp_path, "automation", "check")
    assert bad.returncode == 2
    assert "workflows[1].when: unknown field 'statuss' (at column 1)" in bad.stderr
    (tmp_path / "config.toml").write_text(factory_config() + "\n[[workflows]\n")
    broken = cli(tmp_path, "automation", "check")
    assert broken.returncode == 2, broken.stderr  # was 1: the workspace stopped at the file
    assert "config.toml is not valid TOML: " in broken.stderr
    assert "(at line " in broken.stderr and ", column " in broken.stderr
