"""Exports of other CRMs import with no mapping: every field lands where it belongs.

Each `crm_exports/<product>.toml` holds, per module, a sample export (the product's headers,
two records) and what every field holds afterwards, read back through the CSV export with
field names as headers; `unmapped` is the columns the report must name as going nowhere.
"""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path
from typing import Any

import pytest

from kafinea_tui.data.exporter.options import ExportOptions
from kafinea_tui.data.exporter.run import export_csv
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.store.database import Store
from tests.import_helpers import plan, write

SAMPLES = Path(__file__).parent / "crm_exports"
MODULE_WORDS = {"organizations": "organizations", "salesorders": "sales orders"}


def _cases() -> list[Any]:
    found = []
    for path in sorted(SAMPLES.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for module, case in data.items():
            if isinstance(case, dict):
                found.append(
                    pytest.param(data["product"], module, case, id=f"{path.stem}-{module}")
                )
    return found


def _exported(store: Store, module: str, fields: list[str], tmp_path: Path) -> list[dict[str, str]]:
    target = tmp_path / "back.csv"
    export_csv(
        store, ExportOptions(module, fields=fields, header="names", formula_guard=False), target
    )
    with target.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(("product", "module", "case"), _cases())
def test_export_of_another_crm_imports_without_mapping(
    product: str, module: str, case: dict[str, Any], tmp_path: Path
) -> None:
    store = Store.open(":memory:")
    path = write(tmp_path / f"{module}.csv", case["csv"].lstrip("\n"))
    report = run_import(store, plan(module, path))
    assert (report.failed, report.errors) == (0, [])
    expect = dict(case["expect"])
    assert report.unmapped == expect.pop("unmapped")
    label = store.module(module).label.lower()
    assert (
        report.looks_like
        == f"looks like {'an' if product[0] in 'AEIOU' else 'a'} {product} {label} export"
    )
    found = _exported(store, module, list(expect), tmp_path)
    for name, values in expect.items():
        assert [row[name] for row in found] == values, name
