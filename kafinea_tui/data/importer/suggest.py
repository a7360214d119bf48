"""Suggesting a mapping for a file's columns, and saying where each suggestion came from.

Headers are compared with case, accents, spacing and punctuation ignored, in passes that stop
at the first that knows the header: our field labels and names; the export vocabularies of
the product the file is detected as (`vocabulary`); common synonyms, French included
(`mapping.SYNONYMS`); the other products' vocabularies; then a close spelling (difflib, for
`Adress Email`). Each field is suggested at most once, and a whole-name column (`full_name`)
only while first and last name are both free, since it fills both.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from kafinea_tui.data.importer.mapping import FULL_NAME, SYNONYMS, targets
from kafinea_tui.data.importer.vocabulary import Detection, Vocabulary, detect, vocabularies
from kafinea_tui.data.schema import Module, normalize_label

# Where a suggestion came from, in the words the wizard shows beside the column.
NAME = "field name"
LABEL = "label"
SYNONYM = "synonym"
SIMILAR = "close spelling"
_NAME_PARTS = ("first_name", "last_name")


@dataclass
class Suggestions:
    """column -> target, column -> where it came from, and the product the file looks like."""

    mapping: dict[str, str] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)
    detected: Detection | None = None


class _Picker:
    def __init__(self, module: Module) -> None:
        self.available = targets(module)
        self.used: set[str] = set()
        self.result = Suggestions()
        self.whole_names: list[tuple[str, str]] = []  # (column, origin), in the passes' order
        self.finishing = False

    def take(self, column: str, target: str, origin: str) -> bool:
        if target not in self.available or column in self.result.mapping:
            return False
        if target == FULL_NAME and not self.finishing:
            # Kept for the end: a file's own first and last name columns win over a whole name
            # wherever they stand (Pipedrive's `Person - Name` comes before its parts).
            self.whole_names.append((column, origin))
            return False
        return self._claim(column, target, origin)

    def finish(self) -> None:
        """The whole-name column, when no column took first or last name."""
        self.finishing = True
        for column, origin in self.whole_names:
            if self.take(column, FULL_NAME, origin):
                return

    def _claim(self, column: str, target: str, origin: str) -> bool:
        # A whole-name column fills first and last name: it needs both, and takes both.
        claims = {*_NAME_PARTS, FULL_NAME} if target == FULL_NAME else {target}
        if claims & self.used or (target in _NAME_PARTS and FULL_NAME in self.used):
            return False
        self.used |= claims
        self.result.mapping[column] = target
        self.result.origins[column] = origin
        return True


def suggest(columns: list[str], module: Module, modules: list[Module] | None = None) -> Suggestions:
    """The suggested mapping of `columns` into `module` (`modules`: every module, for
    detecting which product and module the file came from)."""
    picker = _Picker(module)
    normal = {c: normalize_label(c) for c in columns}
    detected = detect(columns, module, modules or [module])
    picker.result.detected = detected
    # Headers the detected product means otherwise than our label (Outlook's Title, a
    # salutation) map to nothing.
    ignored = detected.vocabulary.ignored.get(module.name, frozenset()) if detected else frozenset()
    columns = [c for c in columns if normal[c] not in ignored]
    for origin, spellings in _own_spellings(module):
        for column in columns:
            found = spellings.get(normal[column])
            if found:
                picker.take(column, found, origin)
    synonyms = _synonyms(module)
    if detected is not None:
        _vocabulary_pass(picker, columns, normal, module, detected.vocabulary)
    for column in columns:
        found = synonyms.get(normal[column])
        if found:
            picker.take(column, found, SYNONYM)
    for vocabulary in vocabularies():
        _vocabulary_pass(picker, columns, normal, module, vocabulary)
    _close_spellings(picker, columns, normal, module, synonyms)
    picker.finish()
    mapping = picker.result.mapping
    picker.result.mapping = {c: mapping[c] for c in columns if c in mapping}
    return picker.result


def _vocabulary_pass(
    picker: _Picker,
    columns: list[str],
    normal: dict[str, str],
    module: Module,
    vocabulary: Vocabulary,
) -> None:
    known = vocabulary.targets(module.name)
    for column in columns:
        found = known.get(normal[column])
        if found:
            picker.take(column, found, vocabulary.product)


def suggest_mapping(columns: list[str], module: Module) -> dict[str, str]:
    """Column -> target for the columns that look like a field; others are left out."""
    return suggest(columns, module).mapping


def _own_spellings(module: Module) -> list[tuple[str, dict[str, str]]]:
    names: dict[str, str] = {}
    labels: dict[str, str] = {}
    for name, f in targets(module).items():
        short = name.split(".", 1)[1] if name.startswith("items.") else name
        names.setdefault(normalize_label(short), name)
        labels.setdefault(normalize_label(f.label), name)
        if name.startswith("items."):
            labels.setdefault(normalize_label(f"item {f.label}"), name)
    return [(LABEL, labels), (NAME, names)]


def _synonyms(module: Module) -> dict[str, str]:
    found: dict[str, str] = {}
    for name in targets(module):
        for spelling in (*SYNONYMS.get(f"{module.name}.{name}", ()), *SYNONYMS.get(name, ())):
            found.setdefault(normalize_label(spelling), name)
    return found


def _close_spellings(
    picker: _Picker,
    columns: list[str],
    normal: dict[str, str],
    module: Module,
    synonyms: dict[str, str],
) -> None:
    known: dict[str, str] = {}
    for _origin, spellings in _own_spellings(module):
        for key, target in spellings.items():
            known.setdefault(key, target)
    for key, target in synonyms.items():
        known.setdefault(key, target)
    keys = [k for k in known if k]
    for column in columns:
        if column in picker.result.mapping or len(normal[column]) < 3:
            continue
        for match in difflib.get_close_matches(normal[column], keys, n=5, cutoff=0.8):
            if picker.take(column, known[match], SIMILAR):
                break
