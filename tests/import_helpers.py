"""Helpers shared by the import tests: files written in any encoding, database snapshots, and
contacts for a file to match."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kafinea_tui.data.importer.plan import CsvOptions, Duplicates, ImportPlan
from kafinea_tui.data.store.database import Store

SHARED = Path(__file__).resolve().parents[2] / "shared"
SPECTRUM = SHARED / "conformance" / "csv-spectrum"

TABLES = (
    "contacts",
    "organizations",
    "leads",
    "products",
    "salesorders",
    "salesorder_items",
    "kf_changes",
    "kf_batches",
    "kf_batch_rows",
    "kf_picklist_values",
    "contacts_prev",
    "salesorders_prev",
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def plan(
    module: str,
    path: Path,
    *,
    duplicates: str | None = None,
    match: list[str] | None = None,
    **options: Any,
) -> ImportPlan:
    csv_keys = {"encoding", "delimiter", "header", "sheet"}
    csv = CsvOptions(path, **{k: v for k, v in options.items() if k in csv_keys})
    rest = {k: v for k, v in options.items() if k not in csv_keys}
    return ImportPlan(
        module,
        csv,
        duplicates=Duplicates(duplicates) if duplicates else None,
        match=match or [],
        **rest,
    )


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables an import may touch, sorted, to compare before and after."""
    cur = store.cursor()
    return {t: sorted(cur.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}


def rows(store: Store, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    return store.cursor().execute(sql, params or []).fetchall()


def contact_rows(store: Store) -> list[tuple[object, ...]]:
    """Each contact's first and last name, email and title, in id order."""
    return rows(store, "SELECT first_name, last_name, email, title FROM contacts ORDER BY id")


def existing_contacts(store: Store) -> None:
    """Ann Lee (Ann@X.fr, CEO) and Bob Brown (bob@x.fr, CTO, R&D): what a file may match."""
    store.create(
        "contacts", {"first_name": "Ann", "last_name": "Lee", "email": "Ann@X.fr", "title": "CEO"}
    )
    store.create(
        "contacts",
        {
            "first_name": "Bob",
            "last_name": "Brown",
            "email": "bob@x.fr",
            "title": "CTO",
            "department": "R&D",
        },
    )


# Ann again by email (other case, spaces around), and a new contact.
MATCHING_FILE = "Email,First Name,Last Name,Title\n ann@x.fr ,Annie,Lee,\nnew@x.fr,Neo,New,Dev\n"
