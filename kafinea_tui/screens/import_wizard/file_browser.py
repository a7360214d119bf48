"""A modal file browser for the wizard's "Browse" button: a DirectoryTree that returns a path.

Typing a path with completion is the quick way; this is the way to look around. It lists the
folders and the files the importer reads (CSV, TSV, TXT and the spreadsheets), hidden ones left
out, so that a download folder of a hundred files shows the three that matter; a key (the
registry's `toggle_all_files`) lists every file, and again only those. Choosing a file (the
tree's enter) dismisses with it; closing dismisses with nothing chosen. Where it starts is the
wizard's choice (`start_folder`): the folder last used, else the demo's samples.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Static
from textual.widgets.directory_tree import DirEntry
from textual.widgets.tree import TreeNode

from kafinea_tui import keys
from kafinea_tui.data.importer.file.source import SUFFIXES
from kafinea_tui.data.printable import printable
from kafinea_tui.widgets.key_footer import KeyFooter
from kafinea_tui.widgets.plain import printable_text

TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab")
IMPORTABLE = frozenset((*TEXT_SUFFIXES, *SUFFIXES))


def start_folder(typed: str, last: Path | None, samples: Path | None) -> Path:
    """Where browsing starts: the folder of the path typed, else the folder last used, else the
    demo's samples folder, else the current directory; the first of those that exists."""
    if typed:
        path = Path(typed).expanduser()
        for candidate in (path, path.parent):
            if candidate.is_dir():
                return candidate
    for folder in (last, samples):
        if folder is not None and folder.is_dir():
            return folder
    return Path.cwd()


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


class ImportableTree(DirectoryTree):
    """Folders and importable files, or (`show_all`) everything the folder holds."""

    show_all = False

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        if self.show_all:
            return paths
        return [
            path
            for path in paths
            if not path.name.startswith(".")
            and (path.suffix.lower() in IMPORTABLE or _is_dir(path))
        ]

    def render_label(self, node: TreeNode[DirEntry], base_style: Style, style: Style) -> Text:
        """A name's control characters as pictures (a file name may hold an ESC)."""
        return printable_text(super().render_label(node, base_style, style))


class FileBrowserScreen(ModalScreen[Path | None]):
    """Choose a file under `start`; dismisses with the file's path or None."""

    DEFAULT_CSS = """
    FileBrowserScreen { align: center middle; }
    FileBrowserScreen > Vertical {
        width: 90%; height: 90%; max-width: 100;
        border: round $accent; background: $surface; padding: 0 1;
    }
    FileBrowserScreen #browse-shown { color: $text-muted; }
    FileBrowserScreen DirectoryTree { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings(
        "open_parent_folder", "toggle_all_files", "close_screen"
    )

    def __init__(self, start: Path) -> None:
        super().__init__()
        self.start = start if start.is_dir() else Path.cwd()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(printable(str(self.start)), id="browse-where", markup=False)
            yield Static("", id="browse-shown", markup=False)
            yield ImportableTree(self.start, id="browse-tree")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._say_what_is_shown()
        self.query_one(DirectoryTree).focus()

    @property
    def files(self) -> ImportableTree:
        return self.query_one(ImportableTree)

    def _say_what_is_shown(self) -> None:
        key = keys.keys_label(keys.live_keys("toggle_all_files", keys.app_keymap(self.app)))
        shown = (
            f"All files ({key}: only CSV, TSV, TXT and spreadsheets)"
            if self.files.show_all
            else f"CSV, TSV, TXT and spreadsheets ({key}: all files)"
        )
        self.query_one("#browse-shown", Static).update(shown)

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.dismiss(event.path)

    async def action_toggle_all_files(self) -> None:
        tree = self.files
        tree.show_all = not tree.show_all
        self._say_what_is_shown()
        await tree.reload()

    def action_parent(self) -> None:
        tree = self.files
        parent = Path(tree.path).resolve().parent
        tree.path = parent
        self.query_one("#browse-where", Static).update(printable(str(parent)))

    def action_close(self) -> None:
        self.dismiss(None)
