"""Saved mappings: the three wizard steps of an import as a TOML file in `mappings/`.

A mapping stores how to read the file (encoding, delimiter, header, a workbook's sheet, date
and number formats), duplicates handling and the column -> field mapping with defaults and
reference keys; never the file itself, so the same mapping serves next month's export. Reading
is strict: a malformed file gets one sentence naming it and the problem, never a half-applied
mapping.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

import tomli_w

from kafinea_tui.data.errors import KafineaError, UsageError
from kafinea_tui.data.importer.plan import Duplicates, ImportPlan, ImportReport
from kafinea_tui.data.schema import Module

_NAME = re.compile(r"^[\w][\w .-]{0,63}$")
_STR_KEYS = ("module", "encoding", "delimiter", "sheet", "duplicates", "date_format", "decimal")
_TABLE_KEYS = ("mapping", "defaults", "reference_keys")


def _path(directory: Path, name: str) -> Path:
    clean = name.strip()
    if not _NAME.match(clean) or clean.startswith("."):
        raise UsageError(
            f"{name!r} cannot name a mapping; use letters, digits, spaces, '-', '_' or '.'."
        )
    return Path(directory) / f"{clean}.toml"


def save_mapping(directory: Path, name: str, plan: ImportPlan) -> Path:
    """Write the plan's choices (not its file path) as `<directory>/<name>.toml`."""
    data: dict[str, Any] = {
        "module": plan.module,
        "encoding": plan.csv.encoding,
        "delimiter": plan.csv.delimiter,
        "header": plan.csv.header,
        "date_format": plan.date_format,
        "decimal": plan.decimal,
        "create_related": plan.create_related,
        "formula_guard": plan.formula_guard,
        "match": list(plan.match),
        "mapping": dict(plan.mapping),
        "defaults": dict(plan.defaults),
        "reference_keys": dict(plan.reference_keys),
    }
    if plan.duplicates is not None:
        data["duplicates"] = Duplicates(plan.duplicates).value
    if plan.csv.sheet:
        data["sheet"] = plan.csv.sheet  # a workbook's sheet, by name or number
    path = _path(directory, name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(tomli_w.dumps(data).encode("utf-8"))
    except OSError as error:
        raise KafineaError(f"Cannot save the mapping {path}: {error.strerror or error}.") from None
    return path


def load_mapping(directory: Path, name: str) -> dict[str, Any]:
    """The saved choices, checked; KafineaError naming the file for anything malformed."""
    path = _path(directory, name)
    if not path.is_file():
        known = ", ".join(list_mappings(directory)) or "none saved yet"
        raise UsageError(f"There is no saved mapping {name!r} (saved mappings: {known}).")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise KafineaError(f"The mapping file {path} is not valid TOML: {error}.") from None
    _check(path, data)
    return data


def _check(path: Path, data: dict[str, Any]) -> None:
    def bad(problem: str) -> KafineaError:
        return KafineaError(f"The mapping file {path} is malformed: {problem}.")

    for key in _STR_KEYS:
        if key in data and not isinstance(data[key], str):
            raise bad(f"'{key}' must be text")
    for key in ("header", "create_related", "formula_guard"):
        if key in data and not isinstance(data[key], bool):
            raise bad(f"'{key}' must be true or false")
    if "match" in data and not (
        isinstance(data["match"], list) and all(isinstance(v, str) for v in data["match"])
    ):
        raise bad("'match' must be a list of field names")
    for key in _TABLE_KEYS:
        value = data.get(key, {})
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise bad(f"'{key}' must be a table of text values")
    if "duplicates" in data and data["duplicates"] not in {d.value for d in Duplicates}:
        raise bad(f"'duplicates' is {data['duplicates']!r}, not overwrite, merge or ignore")
    if data.get("decimal", "point") not in ("point", "comma"):
        raise bad(f"'decimal' is {data['decimal']!r}, not point or comma")


def apply_mapping(plan: ImportPlan, data: dict[str, Any]) -> ImportPlan:
    """A copy of the plan with the saved choices applied (the file stays the plan's own)."""
    csv = replace(
        plan.csv,
        encoding=data.get("encoding", plan.csv.encoding),
        delimiter=data.get("delimiter", plan.csv.delimiter),
        header=data.get("header", plan.csv.header),
        sheet=data.get("sheet", plan.csv.sheet),
    )
    duplicates = data.get("duplicates")
    return replace(
        plan,
        csv=csv,
        duplicates=Duplicates(duplicates) if duplicates else plan.duplicates,
        match=list(data.get("match", plan.match)),
        mapping=dict(data.get("mapping", plan.mapping)),
        defaults=dict(data.get("defaults", plan.defaults)),
        reference_keys=dict(data.get("reference_keys", plan.reference_keys)),
        date_format=data.get("date_format", plan.date_format),
        decimal=data.get("decimal", plan.decimal),
        create_related=data.get("create_related", plan.create_related),
        formula_guard=data.get("formula_guard", plan.formula_guard),
    )


def list_mappings(directory: Path) -> list[str]:
    """Names of the saved mappings, sorted."""
    folder = Path(directory)
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.toml") if p.is_file())


def remember_mapping(
    directory: Path, name: str, plan: ImportPlan, report: ImportReport, module: Module
) -> Path:
    """`--save-mapping NAME` after an import: the columns as this import mapped them, suggested
    ones included, so the next file of this shape maps the same way even if the suggestions
    improve. The CLI alone and the API (the CLI through the workspace's owner) both call it."""
    from kafinea_tui.data.importer.suggest import suggest_mapping

    plan.mapping = plan.mapping or suggest_mapping(report.columns, module)
    return save_mapping(directory, name, plan)
