"""A modal file browser for the wizard's "Browse" button: a DirectoryTree that returns a path.

Typing a path with completion is the quick way; this is the way to look around. Choosing a file
(the tree's enter) dismisses with it; closing dismisses with nothing chosen.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Footer, Static

from kafinea_tui import keys


class FileBrowserScreen(ModalScreen[Path | None]):
    """Choose a file under `start`; dismisses with the file's path or None."""

    DEFAULT_CSS = """
    FileBrowserScreen { align: center middle; }
    FileBrowserScreen > Vertical {
        width: 90%; height: 90%; max-width: 100;
        border: round $accent; background: $surface; padding: 0 1;
    }
    FileBrowserScreen DirectoryTree { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings("open_parent_folder", "close_screen")

    def __init__(self, start: Path) -> None:
        super().__init__()
        self.start = start if start.is_dir() else Path.cwd()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(str(self.start), id="browse-where")
            yield DirectoryTree(self.start, id="browse-tree")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DirectoryTree).focus()

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.dismiss(event.path)

    def action_parent(self) -> None:
        tree = self.query_one(DirectoryTree)
        parent = Path(tree.path).resolve().parent
        tree.path = parent
        self.query_one("#browse-where", Static).update(str(parent))

    def action_close(self) -> None:
        self.dismiss(None)
