"""A modal file browser for the wizard's "Browse" button: a DirectoryTree that returns a path.

Typing a path with completion is the quick way; this is the way to look around. Enter on a file
chooses it, escape closes with nothing chosen.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Footer, Static


class FileBrowserScreen(ModalScreen[Path | None]):
    """Choose a file under `start`; dismisses with the file's path or None."""

    DEFAULT_CSS = """
    FileBrowserScreen { align: center middle; }
    FileBrowserScreen > Vertical {
        width: 90%; height: 90%; max-width: 100;
        border: round $accent; background: $surface; padding: 0 1;
    }
    FileBrowserScreen DirectoryTree { height: 1fr; }
    FileBrowserScreen #browse-help { color: $text-muted; height: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("backspace", "parent", "Parent folder"),
    ]

    def __init__(self, start: Path) -> None:
        super().__init__()
        self.start = start if start.is_dir() else Path.cwd()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(str(self.start), id="browse-where")
            yield DirectoryTree(self.start, id="browse-tree")
            yield Static(
                "enter: choose file · backspace: parent folder · escape: close", id="browse-help"
            )
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
