"""Saved mappings: TOML round trip, applied onto a plan, malformed files named."""

from __future__ import annotations

from pathlib import Path

import pytest

from kafinea_tui.data.errors import KafineaError, UsageError
from kafinea_tui.data.importer.plan import CsvOptions, Duplicates, ImportPlan
from kafinea_tui.data.importer.saved_mappings import (
    apply_mapping,
    list_mappings,
    load_mapping,
    save_mapping,
)


def test_round_trip(tmp_path: Path) -> None:
    plan = ImportPlan(
        "contacts",
        CsvOptions(Path("x.csv"), encoding="windows-1252", delimiter="semicolon", header=True),
        duplicates=Duplicates.MERGE,
        match=["email"],
        mapping={"Prénom": "first_name", "E-mail": "email"},
        defaults={"mailing_country": "France"},
        reference_keys={"organization": "name"},
        date_format="dd/mm/yyyy",
        decimal="comma",
        create_related=False,
    )
    path = save_mapping(tmp_path, "Export CRM", plan)
    assert path.name == "Export CRM.toml"
    assert list_mappings(tmp_path) == ["Export CRM"]
    fresh = ImportPlan("contacts", CsvOptions(Path("next-month.csv")))
    applied = apply_mapping(fresh, load_mapping(tmp_path, "Export CRM"))
    assert applied.csv.path == Path("next-month.csv")
    assert (applied.csv.encoding, applied.csv.delimiter) == ("windows-1252", "semicolon")
    assert applied.duplicates is Duplicates.MERGE and applied.match == ["email"]
    assert applied.mapping == plan.mapping and applied.defaults == plan.defaults
    assert applied.reference_keys == plan.reference_keys
    assert (applied.decimal, applied.create_related) == ("comma", False)


def test_malformed_mapping_is_one_sentence_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text("mapping = [1, 2\n", encoding="utf-8")
    with pytest.raises(KafineaError, match=r"broken\.toml is not valid TOML"):
        load_mapping(tmp_path, "broken")
    (tmp_path / "wrong.toml").write_text('duplicates = "sometimes"\n', encoding="utf-8")
    with pytest.raises(KafineaError, match=r"wrong\.toml is malformed: 'duplicates'"):
        load_mapping(tmp_path, "wrong")
    (tmp_path / "types.toml").write_text("mapping = { a = 1 }\n", encoding="utf-8")
    with pytest.raises(KafineaError, match="'mapping' must be a table of text values"):
        load_mapping(tmp_path, "types")


def test_unknown_and_unsafe_names(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no saved mapping 'nope'"):
        load_mapping(tmp_path, "nope")
    with pytest.raises(UsageError, match="cannot name a mapping"):
        save_mapping(tmp_path, "../escape", ImportPlan("contacts", CsvOptions(Path("x"))))


def test_a_workbooks_sheet_is_saved_with_the_mapping(tmp_path: Path) -> None:
    plan = ImportPlan(
        "contacts", CsvOptions(Path("book.xlsx"), sheet="People"), mapping={"Name": "full_name"}
    )
    save_mapping(tmp_path, "odoo", plan)
    applied = apply_mapping(
        ImportPlan("contacts", CsvOptions(Path("next.xlsx"))), load_mapping(tmp_path, "odoo")
    )
    assert (applied.csv.sheet, applied.mapping) == ("People", {"Name": "full_name"})
    (tmp_path / "bad.toml").write_text('module = "contacts"\nsheet = 2\n', encoding="utf-8")
    with pytest.raises(KafineaError, match="'sheet' must be text"):
        load_mapping(tmp_path, "bad")
