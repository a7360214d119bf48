"""Step 2 of the import wizard (skippable): what to do with rows that match an existing record.

"Create every row" is the default, so a user who presses Next straight through gets the plain
import. The match fields are the module's fields; the module's key (email, product code...) is
pre-selected because it is what identifies a record almost always.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, RadioButton, RadioSet, SelectionList, Static

from kafinea_tui.data.importer.plan import Duplicates, ImportPlan
from kafinea_tui.data.schema import Module
from kafinea_tui.widgets.toggles import CheckList, Radio

CHOICES: list[tuple[str, Duplicates | None, str]] = [
    ("none", None, "None: every row is a new record"),
    ("overwrite", Duplicates.OVERWRITE, "Overwrite: empty cells clear"),
    ("merge", Duplicates.MERGE, "Merge: only non-empty cells"),
    ("ignore", Duplicates.IGNORE, "Ignore: skip the row"),
]


class StepDuplicates(Vertical):
    """A RadioSet of the four choices and a SelectionList of the fields to match on."""

    DEFAULT_CSS = """
    StepDuplicates { height: 1fr; }
    StepDuplicates #dup-columns { height: 1fr; }
    StepDuplicates RadioSet { width: 40; height: auto; }
    StepDuplicates #match-box { width: 1fr; height: 1fr; margin: 0 0 0 1; }
    StepDuplicates SelectionList { height: 1fr; min-height: 4; }
    StepDuplicates .help { color: $text-muted; height: auto; }
    StepDuplicates #match-box.-off { opacity: 50%; }
    """

    def __init__(self, module: Module, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.module = module

    def compose(self) -> ComposeResult:
        yield Static(
            "A row matches a record when the chosen fields are equal (trimmed, ignoring case). "
            "Overwrite sets every mapped field, merge only from filled cells, ignore leaves the "
            "record alone. A row matching several records fails; nothing is ever deleted.",
            classes="help",
        )
        with Horizontal(id="dup-columns"):
            with RadioSet(id="duplicates"):
                for key, _, label in CHOICES:
                    yield Radio(label, value=key == "none", id=f"dup-{key}")
            with Vertical(id="match-box", classes="-off"):
                yield Label("Match on (space toggles)")
                yield CheckList(
                    *[(f.label, f.name, f.name == self.module.key) for f in self.module.columns],
                    id="match-fields",
                )

    @property
    def duplicates(self) -> Duplicates | None:
        pressed = self.query_one("#duplicates", RadioSet).pressed_button
        key = (pressed.id or "dup-none").removeprefix("dup-") if pressed else "none"
        return next(choice for k, choice, _ in CHOICES if k == key)

    @property
    def match(self) -> list[str]:
        return list(self.query_one("#match-fields", SelectionList).selected)

    def problem(self) -> str | None:
        """Why Next cannot go on yet, as a sentence, or None."""
        if self.duplicates is not None and not self.match:
            return "Choose at least one field to match on, or choose no duplicate check."
        return None

    def apply_to(self, plan: ImportPlan) -> None:
        plan.duplicates = self.duplicates
        plan.match = self.match if plan.duplicates is not None else []

    def load_plan(self, plan: ImportPlan) -> None:
        key = plan.duplicates.value if plan.duplicates is not None else "none"
        self.query_one(f"#dup-{key}", RadioButton).value = True
        fields: SelectionList[str] = self.query_one("#match-fields", SelectionList)
        if plan.match:
            fields.deselect_all()
            for name in plan.match:
                if self.module.find_field(name) is not None:
                    fields.select(self.module.field(name).name)

    def set_module(self, module: Module) -> None:
        """Offer a new field (added from the mapping step) as a match field too."""
        fields: SelectionList[str] = self.query_one("#match-fields", SelectionList)
        chosen = set(fields.selected)
        known = {f.name for f in self.module.columns}
        self.module = module
        for f in module.columns:
            if f.name not in known:
                fields.add_option((f.label, f.name, f.name in chosen))

    @on(RadioSet.Changed, "#duplicates")
    def choice_changed(self) -> None:
        self.query_one("#match-box").set_class(self.duplicates is None, "-off")
