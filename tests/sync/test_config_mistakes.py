"""Mistakes `automation check` used to pass and the engine then met at run or send time: each
is now a sentence naming the entry and the key, and the scheduler survives what slips by."""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from kafinea_tui.data.automation import runs
from kafinea_tui.data.importer.plan import CsvOptions, ImportPlan
from kafinea_tui.data.importer.saved_mappings import save_mapping
from kafinea_tui.data.schema import Schema, build_schema, builtin_picklist_values
from kafinea_tui.sync.config.load import parse_config, read_config
from kafinea_tui.sync.config.model import PullSchedule, Schedule
from kafinea_tui.sync.durations import parse_duration
from kafinea_tui.sync.scheduler import Scheduler, next_run
from tests.sync.factory import factory_config, open_workspace

PULL = 'type = "pull", url = "http://127.0.0.1:9/x", module = "products"'


def schema() -> Schema:
    return build_schema([], builtin_picklist_values())


def errors_of(text: str, mappings: Path | None = None) -> tuple[str, ...]:
    data = tomllib.loads(text)
    if mappings is None:
        return parse_config(data, schema()).errors
    return parse_config(data, schema(), mappings).errors


def schedule(timing: str, action: str = PULL) -> str:
    return f'[[schedules]]\nname = "s"\n{timing}\naction = {{ {action} }}\n'


# -- 1. an interval too long for the calendar ---------------------------------------------------


@pytest.mark.parametrize("every", ["3000000d", "99999999999999999999d", "367d", "8784h1s"])
def test_an_every_longer_than_a_year_is_refused(every: str) -> None:
    assert errors_of(schedule(f'every = "{every}"')) == (
        f"schedules[1].every: {every!r} is longer than 366 days, the longest interval;"
        ' for rarer runs write a cron, e.g. cron = "0 2 1 1 *"',
    )


def test_an_every_of_a_year_is_accepted() -> None:
    assert parse_duration("366d") == 366 * 86400
    assert errors_of(schedule('every = "366d"')) == ()


@pytest.mark.parametrize(
    ("cron", "why"),
    [
        ("0 0 31 2 *", "never comes (no such date)"),
        ("0 0 * * * *", "is not a cron expression (minute hour day month weekday)"),
    ],
)
def test_a_cron_that_never_comes_or_has_a_seconds_field_is_refused(cron: str, why: str) -> None:
    assert errors_of(schedule(f'cron = "{cron}"')) == (f"schedules[1].cron: {cron!r} {why}",)


def test_the_scheduler_survives_an_interval_past_the_calendar(tmp_path: Path) -> None:
    """Built by hand (the check refuses it): its next run is never, and the other schedules
    keep running, where the engine used to raise OverflowError at each tick."""
    workspace, store = open_workspace(tmp_path, factory_config())
    try:
        huge = Schedule("huge", PullSchedule("http://x", "products"), every=3e6 * 86400)
        never = Schedule("never", PullSchedule("http://x", "products"), cron="0 0 31 2 *")
        assert next_run(huge, datetime(2026, 1, 1), datetime.now().astimezone().tzinfo) == (
            datetime.max
        )
        with store.transaction() as cur:
            for name in ("huge", "never"):
                runs.finish(cur, runs.start(cur, name), "ok", "", None)
        fine = Schedule("fine", PullSchedule("http://x", "products"), every=60.0)
        config = read_config(workspace.config_path, store.schema)
        config = type(config)(schedules=(huge, never, fine))
        scheduler = Scheduler(store, workspace.mappings_dir)
        states = {s.schedule.name: s for s in scheduler.states(config)}
        assert states["huge"].next_run == states["never"].next_run == datetime.max
        assert [s.name for s in scheduler.due(config)] == ["fine"]
        assert states["huge"].as_dict()["next_run"] == "9999-12-31T23:59:59.999999Z"
    finally:
        store.close()


# -- 2. misspelt keys ---------------------------------------------------------------------------

MISSPELT = """
[smtp]
host = "mail"

[[endpoints]]
name = "factory"
url = "http://127.0.0.1:9/x"

[[endpoints]]
name = "archive"
url = "http://127.0.0.1:9/y"
secrett = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

[[workflows]]
name = "fine"
module = "salesorders"
actions = [{ type = "send", endpoint = "factory" }]

[[workflows]]
name = "misspelt"
module = "salesorders"
chnaged = ["status"]
actions = [{ type = "send", endpoint = "factory", fieldz = ["order_number"] }]

[[workflows]]
name = "email"
module = "salesorders"
actions = [{ type = "email", to = "{contact.email}", subject = "s", bcc = "x@y" }, { type = "update", set = { status = "Shipped" }, sett = {} }]

[[schedules]]
name = "pull"
evry = "5m"
cron = "0 2 * * *"
action = { type = "pull", url = "http://127.0.0.1:9/x", module = "products", maping = "m" }

[[schedules]]
name = "send"
every = "5m"
action = { type = "send", endpoint = "factory", module = "products", since = true }

[[workflow]]
name = "singular"

[schedule]
name = "singular"
"""


def test_every_misspelt_key_is_a_sentence_naming_the_known_ones() -> None:
    workflow_keys = "name, module, on, when, changed, actions, enabled"
    assert errors_of(MISSPELT) == (
        "workflow: unknown table; the tables are [smtp], [[endpoints]], [[workflows]],"
        " [[schedules]], [keymap] (and the keys timezone, locale)",
        "schedule: unknown table; the tables are [smtp], [[endpoints]], [[workflows]],"
        " [[schedules]], [keymap] (and the keys timezone, locale)",
        "endpoints[2].secrett: unknown key; the keys are name, url, headers, secret, format,"
        " retries, timeout, backoff",
        "workflows[2].actions[1].fieldz: unknown key; the keys are type, endpoint, fields",
        f"workflows[2].chnaged: unknown key; the keys are {workflow_keys}",
        "workflows[3].actions[1].bcc: unknown key; the keys are type, to, subject, body",
        "workflows[3].actions[2].sett: unknown key; the keys are type, set",
        "schedules[1].action.maping: unknown key; the keys are type, url, module, duplicates,"
        " match, mapping, map, headers, timeout",
        "schedules[1].evry: unknown key; the keys are name, every, cron, action, enabled",
        "schedules[2].action.since: unknown key; the keys are type, endpoint, module, filter,"
        " since_last_run, fields",
    )


def test_a_misspelt_smtp_key_is_a_sentence() -> None:
    assert errors_of('[smtp]\nhost = "mail"\nportt = 2525\n') == (
        "smtp.portt: unknown key; the keys are host, port, sender, username, password,"
        " starttls, timeout, retries, backoff",
    )


def test_an_unknown_top_level_key_is_named_and_the_known_ones_pass() -> None:
    assert errors_of('timezon = "Europe/Paris"\nlocale = "fr"\n[keymap]\nquit = "x"\n') == (
        "timezon: unknown key; the top-level keys are timezone, locale, and the tables"
        " [smtp], [[endpoints]], [[workflows]], [[schedules]], [keymap]",
    )


def test_the_factory_example_and_enabled_keys_have_no_unknown_key() -> None:
    text = factory_config().replace('name = "tell the customer"', 'name = "t"\nenabled = false')
    assert errors_of(text + schedule('every = "5m"\nenabled = false')) == ()


# -- 3. what a run or a send used to find wrong -------------------------------------------------


def saved(folder: Path, name: str, module: str, mapping: dict[str, str]) -> None:
    plan = ImportPlan(module=module, csv=CsvOptions(path=folder / "x.csv"), mapping=mapping)
    save_mapping(folder, name, plan)


def test_a_pull_names_a_saved_mapping_that_exists_and_fits_its_module(tmp_path: Path) -> None:
    saved(tmp_path, "codes", "products", {"Code": "product_code", "Name": "Product Name"})
    saved(tmp_path, "people", "contacts", {"Mail": "email"})
    (tmp_path / "broken.toml").write_text("mapping = [", encoding="utf-8")
    text = "".join(
        schedule('every = "5m"', PULL + f', mapping = "{m}"')
        for m in ("codes", "nomapping", "people", "broken")
    )
    found = errors_of(text, tmp_path)
    assert found[:2] == (
        "schedules[2].action.mapping: there is no saved mapping 'nomapping'"
        " (the saved mappings: broken, codes, people)",
        "schedules[3].action.mapping: the saved mapping 'people' is for contacts, not products",
    )
    assert len(found) == 3 and found[2].startswith(
        f"schedules[4].action.mapping: The mapping file {tmp_path / 'broken.toml'} is not valid"
    )


def test_a_saved_mapping_fields_are_the_module_fields(tmp_path: Path) -> None:
    saved(tmp_path, "old", "products", {"Code": "product_code", "Colour": "cf_colour"})
    saved(tmp_path, "codes", "products", {"Code": "product_code"})
    text = schedule('every = "5m"', PULL + ', mapping = "old"') + schedule(
        'every = "5m"', PULL + ', mapping = "codes", map = { "Ref" = "product_code" }'
    )
    assert errors_of(text, tmp_path) == (
        "schedules[1].action.mapping: Products has no field 'cf_colour' to map 'Colour' to"
        " (in the saved mapping 'old')",
        "schedules[2].action.mapping: Two columns ('Code' and 'Ref') are mapped to Product"
        " Code; map one column per field (in the saved mapping 'codes')",
    )


def test_a_saved_mapping_without_a_mappings_folder_is_a_sentence() -> None:
    assert errors_of(schedule('every = "5m"', PULL + ', mapping = "codes"')) == (
        "schedules[1].action.mapping: saved mappings need a workspace's mappings folder",
    )


def test_read_config_finds_the_workspace_mappings_folder(tmp_path: Path) -> None:
    (tmp_path / "mappings").mkdir()
    saved(tmp_path / "mappings", "codes", "products", {"Code": "product_code"})
    path = tmp_path / "config.toml"
    path.write_text(schedule('every = "5m"', PULL + ', mapping = "codes"'), encoding="utf-8")
    assert read_config(path, schema()).errors == ()
    path.write_text(schedule('every = "5m"', PULL + ', mapping = "nope"'), encoding="utf-8")
    assert read_config(path, schema()).errors == (
        "schedules[1].action.mapping: there is no saved mapping 'nope' (the saved mappings: codes)",
    )


def test_an_inline_map_names_fields_of_the_module() -> None:
    text = schedule(
        'every = "5m"',
        PULL + ', map = { "Code" = "nofield", "Name" = "Product Name", "Price" = "skip" }',
    ) + schedule('every = "5m"', PULL + ', map = { "A" = "product_code", "B" = "Product Code" }')
    assert errors_of(text) == (
        "schedules[1].action.map: Products has no field 'nofield' to map 'Code' to",
        "schedules[2].action.map: Two columns ('A' and 'B') are mapped to Product Code;"
        " map one column per field",
    )


def email(**keys: str) -> str:
    action = ", ".join(f"{k} = {v!r}" for k, v in {"to": "{contact.email}", **keys}.items())
    return f"""
[smtp]
host = "mail"

[[workflows]]
name = "w"
module = "salesorders"
actions = [{{ type = "email", {action} }}]
"""


@pytest.mark.parametrize(
    ("subject", "why"),
    [
        ("Order {order_numbr", "an unclosed { at character 7; write {{ for a brace itself"),
        ("Order {order_number", "an unclosed { at character 7; write {{ for a brace itself"),
        ("Order order_number}", "a } without its { at character 19; write }} for a brace itself"),
        ("{{order_number}", "a } without its { at character 15; write }} for a brace itself"),
    ],
)
def test_an_unbalanced_brace_in_a_template_is_a_sentence(subject: str, why: str) -> None:
    assert errors_of(email(subject=subject)) == (f"workflows[1].actions[1].subject: {why}",)


def test_literal_braces_and_placeholders_still_read() -> None:
    assert errors_of(email(subject="{{Order}} {order_number} {{{order_number}}}")) == ()


@pytest.mark.parametrize(
    "sender", ["not an email", "orders@", "a@b.fr, c@d.fr", "orders@example.com\nBcc: x@y", ""]
)
def test_an_smtp_sender_must_be_one_email_address(sender: str) -> None:
    data: dict[str, Any] = {"smtp": {"host": "mail", "sender": sender}}
    assert parse_config(data, schema()).errors == (
        f"smtp.sender: {sender!r} is not an email address"
        " (e.g. orders@example.com or Orders <orders@example.com>)",
    )


@pytest.mark.parametrize("sender", ["orders@example.com", "Orders <orders@example.com>"])
def test_an_smtp_sender_may_have_a_display_name(sender: str) -> None:
    assert parse_config({"smtp": {"host": "mail", "sender": sender}}, schema()).errors == ()


def test_headers_to_send_are_ones_http_can_carry() -> None:
    """A line break or an accent in a header failed each attempt at send time."""
    data: dict[str, Any] = {
        "endpoints": [
            {"name": "a", "url": "http://x", "headers": {"Authorization": "Bearer x\ny"}},
            {"name": "b", "url": "http://x", "headers": {"X Token": "v"}},
            {"name": "c", "url": "http://x", "headers": {"X-Who": "Zoé"}},
            {"name": "d", "url": "http://x", "headers": {"Authorization": "Bearer x", "X-E": ""}},
        ],
        "schedules": [
            {
                "name": "s",
                "every": "5m",
                "action": {
                    "type": "pull",
                    "url": "http://x",
                    "module": "products",
                    "headers": {"X-A": "\r\nEvil: 1"},
                },
            }
        ],
    }
    line = "holds a line break, a control or a non-ASCII character"
    assert parse_config(data, schema()).errors == (
        f"endpoints[1].headers: the value of Authorization {line}",
        "endpoints[2].headers: 'X Token' is not a header name (letters, digits and -)",
        f"endpoints[3].headers: the value of X-Who {line}",
        f"schedules[1].action.headers: the value of X-A {line}",
    )
