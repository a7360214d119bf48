"""Which records an export writes: the four scopes, each saying how many records it covers.

The scopes are the selection, the page, every record, and every record the list's filter
matches; each button says its count once counted, in a thread worker of the chooser that asks
the backend (a scope that could not be counted says so, the others still show). The engine
reads the scope's name from `ExportOptions.scope`, so the buttons' ids end with those names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from textual import work
from textual.message import Message
from textual.widgets import RadioButton, RadioSet

from kafinea_tui.backend import Backend
from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.exporter.options import ExportOptions
from kafinea_tui.widgets.toggles import Radio
from kafinea_tui.work import reports

SCOPE_LABELS: dict[str, str] = {
    "ids": "Selected records",
    "page": "This page",
    "all": "All records",
    "filter": "All matching the filter",
}


class ScopeChooser(RadioSet):
    """The four scopes, `first` pressed; "selected" is disabled when nothing is selected, and
    "matching the filter" says when no filter is set (`filtered` False). Each scope is counted
    as `options_for(scope)` exports it."""

    class Counted(Message):
        """Each scope's number of records, or the sentence of why it could not be counted."""

        def __init__(self, counts: dict[str, int | str]) -> None:
            super().__init__()
            self.counts = counts

    def __init__(
        self,
        backend: Backend,
        options_for: Callable[[str], ExportOptions],
        first: str,
        *,
        has_selection: bool,
        filtered: bool,
        id: str | None = None,
    ) -> None:
        self.backend = backend
        self.options_for = options_for
        self.has_selection = has_selection
        self.filtered = filtered
        super().__init__(
            *(
                Radio(
                    f"{label} (…)",
                    value=scope == first,
                    id=f"scope-{scope}",
                    disabled=scope == "ids" and not has_selection,
                    compact=True,
                )
                for scope, label in SCOPE_LABELS.items()
            ),
            id=id,
            compact=True,
        )

    @property
    def scope(self) -> str:
        """The scope pressed (`ids`, `page`, `all` or `filter`)."""
        pressed = self.pressed_button
        return (pressed.id or "scope-all").removeprefix("scope-") if pressed else "all"

    def on_mount(self) -> None:
        self.load_counts()

    @work(thread=True, exclusive=True, group="export-counts")
    @reports
    def load_counts(self) -> None:
        counts: dict[str, int | str] = {}
        for scope in SCOPE_LABELS:
            if scope == "ids" and not self.has_selection:
                counts[scope] = 0
                continue
            try:
                counts[scope] = self.backend.count_scope(self.options_for(scope))
            except KafineaError as error:  # that scope's count only: the others still show
                counts[scope] = str(error)
        self.post_message(self.Counted(counts))

    def on_scope_chooser_counted(self, event: Counted) -> None:
        event.stop()
        self.show_counts(event.counts)

    def show_counts(self, counts: Mapping[str, int | str]) -> None:
        """Each scope's count, or (a sentence instead of a number) that it could not be counted."""
        for scope, count in counts.items():
            button = self.query_one(f"#scope-{scope}", RadioButton)
            label = SCOPE_LABELS[scope]
            shown = f"{count:,}" if isinstance(count, int) else "filter error"
            button.label = f"{label} ({shown})"
            if scope == "filter" and not self.filtered:
                button.label = f"{label} ({shown}; no filter set)"
