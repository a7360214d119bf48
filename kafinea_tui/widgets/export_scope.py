"""Which records an export writes: the four scopes, each saying how many records it covers.

The scopes are the selection, the page, every record, and every record the list's filter
matches; each button says its count once counted (the dialog's worker counts, `show_counts`
shows, a scope that could not be counted says so). The engine reads the scope's name from
`ExportOptions.scope`, so the buttons' ids end with those names.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.widgets import RadioButton, RadioSet

from kafinea_tui.widgets.toggles import Radio

SCOPE_LABELS: dict[str, str] = {
    "ids": "Selected records",
    "page": "This page",
    "all": "All records",
    "filter": "All matching the filter",
}


class ScopeChooser(RadioSet):
    """The four scopes, `first` pressed; "selected" is disabled when nothing is selected, and
    "matching the filter" says when no filter is set (`filtered` False)."""

    def __init__(
        self, first: str, *, has_selection: bool, filtered: bool, id: str | None = None
    ) -> None:
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

    def show_counts(self, counts: Mapping[str, int | str]) -> None:
        """Each scope's count, or (a sentence instead of a number) that it could not be counted."""
        for scope, count in counts.items():
            button = self.query_one(f"#scope-{scope}", RadioButton)
            label = SCOPE_LABELS[scope]
            shown = f"{count:,}" if isinstance(count, int) else "filter error"
            button.label = f"{label} ({shown})"
            if scope == "filter" and not self.filtered:
                button.label = f"{label} ({shown}; no filter set)"
