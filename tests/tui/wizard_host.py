"""The import wizard on a small App of its own, and the French contacts file it is tried on.

`Host` pushes the wizard over a real workspace and remembers what it dismissed with;
`choose_file` types a path in the first step; `write_latin1_contacts` writes the file the
conftest's `latin1_csv` fixture gives (ISO-8859-1, semicolons, a date that does not exist).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input

from kafinea_tui.backend.local import LocalBackend
from kafinea_tui.data.importer.plan import ImportReport
from kafinea_tui.data.store.database import Store
from kafinea_tui.screens.import_wizard import ImportWizard
from kafinea_tui.workspace import Workspace
from tests.tui.pilot_helpers import settle

HEADER = "First Name;Last Name;Email;Mailing City;Birthdate;Ville natale\r\n"
ROWS = [
    "Zoé;Lefèvre;zoe@exemple.fr;Besançon;14/03/1988;Nîmes\r\n",
    "François;Côté;francois@exemple.fr;Nîmes;02/11/1975;Brûlé\r\n",
    "Hélène;Müller;helene@exemple.fr;Köln;31/02/1991;Sète\r\n",  # no 31 February: fails
    "Søren;;soren@exemple.fr;Göteborg;17/08/1979;Åre\r\n",  # no last name: the default fills it
]


def write_latin1_contacts(path: Path) -> Path:
    """HEADER and ROWS in ISO-8859-1 at `path`."""
    path.write_bytes((HEADER + "".join(ROWS)).encode("iso-8859-1"))
    return path


class Host(App[None]):
    """The wizard on its own, over a workspace, remembering what it dismissed with."""

    def __init__(self, store: Store, workspace: Workspace, module: str = "contacts") -> None:
        super().__init__()
        self.store = store
        self.workspace = workspace
        self.module = module
        self.dismissed: list[ImportReport | None] = []

    def on_mount(self) -> None:
        self.push_screen(
            ImportWizard(LocalBackend(self.store), self.workspace, self.module),
            self.dismissed.append,
        )


async def choose_file(pilot: Pilot[Any], path: Path) -> None:
    field = pilot.app.screen.query_one("#file-path", Input)
    assert field.has_focus
    field.value = str(path)
    await settle(pilot)
