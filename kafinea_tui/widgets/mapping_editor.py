"""The column-to-field editor: one row a column, reference keys, and defaults for missing fields.

Used by the import wizard's mapping step (and usable by anything else that maps columns to a
module, such as a scheduled pull). It only edits three dicts of an `ImportPlan`: `mapping`,
`reference_keys` and `defaults`; it never reads files or the database, so it is cheap to rebuild
(`set_module`) when a field is added while the user is mapping.
"""

from __future__ import annotations

from collections import Counter

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static

from kafinea_tui.data.printable import printable
from kafinea_tui.data.schema import LINE_ITEM_FIELDS, Field, FieldType, Module, Schema
from kafinea_tui.widgets.plain import PlainSelect

SKIP_PROMPT = "(do not import)"
FULL_NAME = "full_name"  # the importer's whole-name target (importer.mapping.FULL_NAME)


def target_choices(module: Module) -> list[tuple[str, str]]:
    """(label, target) for every field a column can fill, line-item targets last."""
    choices = [(f.label, f.name) for f in module.columns]
    names = {f.name for f in module.columns}
    if {"first_name", "last_name"} <= names:
        # A whole name split on its first space; Last Name alone keeps it whole.
        choices.append(("Full name → First and Last Name", FULL_NAME))
    if any(f.type is FieldType.LINE_ITEMS for f in module.fields):
        choices += [(f"Line item: {f.label}", f"items.{f.name}") for f in LINE_ITEM_FIELDS]
    return choices


def reference_targets(module: Module) -> list[tuple[str, str, str]]:
    """(target, label, related module) of every target resolved through another module's key."""
    found = [(f.name, f.label, f.related) for f in module.columns if f.type is FieldType.REFERENCE]
    if any(f.type is FieldType.LINE_ITEMS for f in module.fields):
        found += [
            (f"items.{f.name}", f"Line item: {f.label}", f.related)
            for f in LINE_ITEM_FIELDS
            if f.type is FieldType.REFERENCE
        ]
    return [(target, label, related) for target, label, related in found if related]


def default_fields(module: Module) -> list[Field]:
    """The fields a default value can be given for, mandatory ones first."""
    columns = list(module.columns)
    return [f for f in columns if f.mandatory] + [f for f in columns if not f.mandatory]


class MappingEditor(Vertical):
    """Edit which field each column fills, by which key references resolve, and defaults."""

    DEFAULT_CSS = """
    MappingEditor { height: auto; }
    MappingEditor .section { text-style: bold; margin: 1 0 0 0; height: 1; }
    MappingEditor .map-row { height: 1; }
    MappingEditor .map-column { width: 18; margin: 0 1 0 0; text-overflow: ellipsis; }
    MappingEditor .map-sample {
        width: 1fr; margin: 0 1 0 0; color: $text-muted; text-overflow: ellipsis; text-wrap: nowrap;
    }
    MappingEditor .map-row Select { width: 26; }
    MappingEditor .map-row Input { width: 1fr; }
    MappingEditor .map-row Button { min-width: 10; margin: 0 0 0 1; }
    MappingEditor .field-label { width: 24; }
    MappingEditor #mapping-notes { color: $warning; height: auto; }
    """

    class NewFieldRequested(Message):
        """The user wants a new custom field for `column` (the screen opens the layout manager)."""

        def __init__(self, column: str) -> None:
            super().__init__()
            self.column = column

    class Changed(Message):
        """The mapping changed (the screen may revalidate)."""

    def __init__(
        self,
        schema: Schema,
        module_name: str,
        columns: list[str],
        samples: dict[str, str],
        mapping: dict[str, str],
        defaults: dict[str, str] | None = None,
        reference_keys: dict[str, str] | None = None,
        origins: dict[str, str] | None = None,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.origins = dict(origins or {})  # column -> where its suggestion came from
        self.schema = schema
        self.module = schema.module(module_name)
        self.columns = list(columns)
        self.samples = samples
        self._mapping = dict(mapping)
        self._defaults = dict(defaults or {})
        self._reference_keys = dict(reference_keys or {})

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        choices = target_choices(self.module)
        known = {value for _, value in choices}
        yield Static("", id="mapping-notes", markup=False)
        yield Static("Column → field", classes="section")
        for index, column in enumerate(self.columns):
            target = self._mapping.get(column)
            with Horizontal(classes="map-row"):
                yield Label(column, classes="map-column", markup=False)
                yield Static(
                    self._sample_text(column, target),
                    classes="map-sample",
                    id=f"sample-{index}",
                    markup=False,
                )
                yield PlainSelect(
                    choices,
                    value=target if target in known else Select.NULL,
                    prompt=SKIP_PROMPT,
                    id=f"map-{index}",
                    compact=True,
                )
                yield Button("New field", id=f"newfield-{index}", compact=True)
        targets = reference_targets(self.module)
        if targets:
            yield Static(
                "Reference keys: match related records by", classes="section", id="refkeys-title"
            )
        for index, (target, label, related) in enumerate(targets):
            related_module = self.schema.module(related)
            key = self._reference_keys.get(target, related_module.key)
            with Horizontal(classes="map-row refkey-row", id=f"refkey-row-{index}"):
                yield Label(label, classes="field-label", markup=False)
                yield PlainSelect(
                    [(f.label, f.name) for f in related_module.columns],
                    value=key if related_module.find_field(key) else related_module.key,
                    allow_blank=False,
                    id=f"refkey-{index}",
                    compact=True,
                )
        yield Static("Default values for fields the file lacks (* mandatory)", classes="section")
        for index, f in enumerate(default_fields(self.module)):
            with Horizontal(classes="map-row default-row", id=f"default-row-{index}"):
                yield Label(
                    f"{f.label}{' *' if f.mandatory else ''}", classes="field-label", markup=False
                )
                yield Input(
                    self._defaults.get(f.name, ""),
                    placeholder=_hint(f, self.schema),
                    id=f"default-{index}",
                    compact=True,
                )

    def on_mount(self) -> None:
        self._update_visibility()

    # -- values --------------------------------------------------------------------------------

    @property
    def mapping(self) -> dict[str, str]:
        result: dict[str, str] = {}
        for index, column in enumerate(self.columns):
            value = self.query_one(f"#map-{index}", Select).value
            if value is not Select.NULL:
                result[column] = str(value)
        return result

    @property
    def defaults(self) -> dict[str, str]:
        mapped = set(self.mapping.values())
        result: dict[str, str] = {}
        for index, f in enumerate(default_fields(self.module)):
            value = self.query_one(f"#default-{index}", Input).value.strip()
            if value and f.name not in mapped:
                result[f.name] = value
        return result

    @property
    def reference_keys(self) -> dict[str, str]:
        mapped = set(self.mapping.values()) | set(self.defaults)
        result: dict[str, str] = {}
        for index, (target, _, _) in enumerate(reference_targets(self.module)):
            if target in mapped:
                result[target] = str(self.query_one(f"#refkey-{index}", Select).value)
        return result

    def set_default(self, field_name: str, value: str) -> None:
        for index, f in enumerate(default_fields(self.module)):
            if f.name == field_name:
                self.query_one(f"#default-{index}", Input).value = value

    def set_target(self, column: str, target: str | None) -> None:
        select: Select[str] = self.query_one(f"#map-{self.columns.index(column)}", Select)
        select.value = Select.NULL if target is None else target

    def _sample_text(self, column: str, target: str | None = None) -> str:
        """The column's first values, after where its suggested field came from, if suggested;
        for a whole-name column, how its first name splits (as the importer splits it)."""
        sample = self.samples.get(column, "")
        if target == FULL_NAME and sample:
            name = sample.split(", ")[0].strip()
            first, space, last = name.partition(" ")
            sample = f"{name} → {first} | {last.strip()}" if space else f"{name} → | {name}"
        origin = self.origins.get(column)
        return printable(f"{origin}: {sample}" if origin else sample)

    def problems(self) -> list[str]:
        """Sentences that stop the import: two columns filling one field."""
        filled = list(self.mapping.values())
        if FULL_NAME in filled:
            filled += ["first_name", "last_name"]
        counts = Counter(t for t in filled if t != FULL_NAME)
        problems = []
        for target, count in counts.items():
            if count > 1:
                columns = [
                    c
                    for c, t in self.mapping.items()
                    if t == target or (t == FULL_NAME and target in ("first_name", "last_name"))
                ]
                problems.append(f"Columns {', '.join(columns)} all fill {self._label(target)}.")
        return problems

    def notes(self) -> list[str]:
        """Warnings that do not stop the import: mandatory fields with no column and no default."""
        filled = set(self.mapping.values()) | set(self.defaults)
        if FULL_NAME in filled:
            filled |= {"first_name", "last_name"}
        return [
            f"{f.label} is mandatory: map a column to it or give a default, or new rows fail."
            for f in self.module.columns
            if f.mandatory and f.name not in filled
        ]

    async def set_module(self, schema: Schema, select: tuple[str, str] | None = None) -> None:
        """Rebuild with a newer schema (a field was added), keeping what the user chose."""
        self._mapping = self.mapping
        self._defaults = self.defaults
        self._reference_keys = self.reference_keys
        if select is not None:
            self._mapping[select[0]] = select[1]
        self.schema = schema
        self.module = schema.module(self.module.name)
        await self.recompose()
        self._update_visibility()

    # -- events ---------------------------------------------------------------------------------

    @on(Button.Pressed, ".map-row Button")
    def new_field(self, event: Button.Pressed) -> None:
        event.stop()
        index = int((event.button.id or "newfield-0").removeprefix("newfield-"))
        self.post_message(self.NewFieldRequested(self.columns[index]))

    @on(Select.Changed)
    @on(Input.Changed)
    def value_changed(self, event: Message) -> None:
        select = getattr(event, "select", None)
        if isinstance(select, Select) and (select.id or "").startswith("map-"):
            index = int((select.id or "map-0").removeprefix("map-"))
            value = None if select.value is Select.NULL else str(select.value)
            self.query_one(f"#sample-{index}", Static).update(
                self._sample_text(self.columns[index], value)
            )
        self._update_visibility()
        self.post_message(self.Changed())

    def _update_visibility(self) -> None:
        """Show a default only for unmapped fields, a reference key only for mapped references."""
        mapped = set(self.mapping.values())
        for index, f in enumerate(default_fields(self.module)):
            self.query_one(f"#default-row-{index}").display = f.name not in mapped
        filled = mapped | set(self.defaults)
        any_reference = False
        for index, (target, _, _) in enumerate(reference_targets(self.module)):
            shown = target in filled
            any_reference = any_reference or shown
            self.query_one(f"#refkey-row-{index}").display = shown
        for title in self.query("#refkeys-title"):
            title.display = any_reference
        notes = self.query_one("#mapping-notes", Static)
        text = "\n".join(self.problems() + self.notes())
        notes.update(text)
        notes.display = bool(text)

    def _label(self, target: str) -> str:
        return next(
            (label for label, value in target_choices(self.module) if value == target), target
        )


def _hint(f: Field, schema: Schema) -> str:
    """What a default value looks like; a reference's names the related module's key by
    their labels (`Organization Name (in Organizations)`), never their internal names."""
    if f.type is FieldType.PICKLIST and f.values:
        return "one of " + ", ".join(f.values[:4]) + ("…" if len(f.values) > 4 else "")
    related = schema.modules.get(f.related or "") if f.type is FieldType.REFERENCE else None
    if related is not None:
        return f"{related.field(related.key).label} (in {related.label})"
    return f.type.value
