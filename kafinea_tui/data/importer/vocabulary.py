"""The column names other CRMs write in their exports, read from `vocabularies/*.toml`.

A new user's first file is the export of the CRM they leave. Each product's headers are kept
as data, one TOML file a product (its sources cited in the file), so that adding a spelling is
an edit to a list, not to code. A file maps, per module, a target (a field name, `full_name`
or `items.<part>`) to the headers that product writes for it, plus `markers`: headers that go
nowhere but tell the product apart (HubSpot's `Record ID`, Salesforce's `OwnerId`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from kafinea_tui.data.schema import Module, normalize_label

PACKAGE = "kafinea_tui.data.importer.vocabularies"
# The product files, in the order their spellings are tried when no product is detected.
FILES = ("vtiger", "hubspot", "salesforce", "zoho", "odoo", "pipedrive", "outlook", "google")
MIN_SCORE = 1.25  # distinctive headers needed to name a product (weighted, see `detect`)


@dataclass(frozen=True)
class Vocabulary:
    key: str  # the file's stem: hubspot
    product: str  # how a person names it: HubSpot
    sources: tuple[str, ...]
    checked: str  # what was and was not verified
    headers: dict[str, dict[str, str]]  # module -> normalised header -> target
    markers: dict[str, frozenset[str]]  # module -> normalised headers that only identify
    # module -> normalised headers that mean something else in this product's export than our
    # field of that label (Outlook's Title is a salutation): left unmapped when it is detected
    ignored: dict[str, frozenset[str]]

    def targets(self, module: str) -> dict[str, str]:
        return self.headers.get(module, {})


@dataclass(frozen=True)
class Detection:
    """Which product's export a file looks like, and for which of our modules."""

    vocabulary: Vocabulary
    module: str
    score: float

    def sentence(self, module_label: str) -> str:
        product = self.vocabulary.product
        article = "an" if product[:1].lower() in "aeiou" else "a"
        return f"looks like {article} {product} {module_label.lower()} export"


def _load(key: str) -> Vocabulary:
    text = resources.files(PACKAGE).joinpath(f"{key}.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    headers: dict[str, dict[str, str]] = {}
    markers: dict[str, frozenset[str]] = {}
    ignored: dict[str, frozenset[str]] = {}
    for module, table in data.items():
        if not isinstance(table, dict):
            continue
        found: dict[str, str] = {}
        for target, names in table.items():
            if target in ("markers", "ignore"):
                continue
            for name in names:
                found.setdefault(normalize_label(name), target)
        headers[module] = found
        markers[module] = frozenset(normalize_label(m) for m in table.get("markers", ()))
        ignored[module] = frozenset(normalize_label(m) for m in table.get("ignore", ()))
    return Vocabulary(
        key,
        str(data["product"]),
        tuple(data["sources"]),
        str(data["checked"]),
        headers,
        markers,
        ignored,
    )


@cache
def vocabularies() -> tuple[Vocabulary, ...]:
    """Every product's vocabulary, read once from the package data."""
    return tuple(_load(key) for key in FILES)


def _generic(module: Module) -> set[str]:
    """Headers that say nothing about a product: our own field names and labels."""
    return {normalize_label(f.name) for f in module.fields} | {
        normalize_label(f.label) for f in module.fields
    }


def detect(columns: list[str], module: Module, modules: list[Module]) -> Detection | None:
    """The product and module whose export the columns look like, if one stands out.

    A header counts for a product by how distinctive it is: 1 / the number of products whose
    vocabularies know it, so `Record ID` (HubSpot and Zoho) weighs less than
    `Mobile Phone Number` (HubSpot only); our own names and labels do not count at all."""
    wanted = {normalize_label(c) for c in columns} - _generic(module)
    known: dict[str, set[str]] = {}
    pairs: list[tuple[Vocabulary, str, set[str]]] = []
    names = [m.name for m in modules]
    for vocabulary in vocabularies():
        for name in names:
            words = set(vocabulary.targets(name)) | set(vocabulary.markers.get(name, ()))
            hits = wanted & words
            if hits:
                pairs.append((vocabulary, name, hits))
                for hit in hits:
                    known.setdefault(hit, set()).add(vocabulary.key)
    best: Detection | None = None
    for vocabulary, name, hits in pairs:
        score = sum(1 / len(known[h]) for h in hits)
        # The module being imported wins a tie: its headers are the ones that matter.
        rank = (score, name == module.name)
        if best is None or rank > (best.score, best.module == module.name):
            best = Detection(vocabulary, name, score)
    return best if best is not None and best.score >= MIN_SCORE else None
