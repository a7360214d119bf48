"""Snapshots of the key screens (pytest-textual-snapshot), at fixed terminal sizes.

The workspace is the deterministic one of tests/tui/app_workspace.py and the screens show no
timestamps, so every run renders the same. A path that would differ between machines (a
temporary folder) is replaced by a fixed one before the picture is taken, as a user would type it.
Update with `pytest tests/tui/test_snapshots.py --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from kafinea_tui.app import KafineaApp
from tests.tui.pilot_helpers import fill_focused_input, press_button, settle

# A small file for the wizard: near-miss headers ("E-mail", "Société"), a column no field takes
# ("Ville natale"), and two rows that fail (a bad email, a date that does not exist).
CLIENTS = (
    "Prénom;Nom;E-mail;Société;Date de naissance;Ville natale\r\n"
    "Zoé;Lefèvre;zoe@exemple.fr;Acme;14/03/1988;Nîmes\r\n"
    "François;Côté;francois@;Globex;02/11/1975;Brûlé\r\n"
    "Hélène;Müller;helene@exemple.fr;Initech;31/02/1991;Sète\r\n"
    "Søren;Åberg;soren@exemple.fr;Acme;17/08/1979;Åre\r\n"
)


@pytest.fixture
def clients_csv(tmp_path: Path) -> Path:
    path = tmp_path / "clients.csv"
    path.write_bytes(CLIENTS.encode("iso-8859-1"))
    return path


async def wizard_at_mapping(pilot: Pilot[None], path: Path) -> None:
    """From the contacts list: `i`, the file, Next past the duplicates step, to the mapping."""
    await settle(pilot)
    await pilot.press("i")
    await settle(pilot)
    pilot.app.screen.query_one("#file-path", Input).value = str(path)
    await settle(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)


def test_contacts_list(app: KafineaApp, snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("space", "space")  # two selected rows show their marks and the count

    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)


def test_help_screen(app: KafineaApp, snap_compare: Any) -> None:
    """`?` on the contacts list at 80x24: every key of the list, wrapped, with its live key."""

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_layout_manager(app: KafineaApp, snap_compare: Any) -> None:
    """`f` on the contacts list at 80x24, Last Name hidden and Phone moved up: the marks read
    without colour, the footer names the keys to show, hide and move a column."""

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("down", "space", "down", "down", "shift+up")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_import_wizard_mapping_step(app: KafineaApp, clients_csv: Path, snap_compare: Any) -> None:
    """Step 3 at 80x24: suggested fields beside sample values, reference keys, defaults."""

    async def run_before(pilot: Pilot[None]) -> None:
        await wizard_at_mapping(pilot, clients_csv)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_import_run_summary_with_failed_rows(
    app: KafineaApp, clients_csv: Path, snap_compare: Any
) -> None:
    """After Import: the counts, the failed rows with line, column and reason, save and undo."""

    async def run_before(pilot: Pilot[None]) -> None:
        await wizard_at_mapping(pilot, clients_csv)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await press_button(pilot, "#import")
        pilot.app.screen.query_one("#failed-path", Input).value = "clients-failed.csv"
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_export_dialog(app: KafineaApp, snap_compare: Any) -> None:
    """At 80x24 over a filtered list with two selected rows: every scope with its count."""

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("slash")
        await fill_focused_input(pilot, 'mailing_city = "Nantes"')
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("space", "space", "e")
        await settle(pilot)
        pilot.app.screen.query_one("#export-path", Input).value = "/exports/contacts.csv"
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_export_dialog_fields_tab(app: KafineaApp, snap_compare: Any) -> None:
    """At 80x24, the Fields tab with "Chosen" picked: Email moved above Last Name, both checked."""

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("shift+tab", "right", "tab", "down", "down", "space")
        await pilot.press("tab", "down", "space", "down", "space", "K")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
