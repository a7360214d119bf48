"""Import semantics that hold whatever path a file takes (plain, one row per record, grouped,
sales orders): failed rows leave no trace, rows naming one record apply in file order, match
fields keep their stored spelling, ids follow the file's lines, a dry run words its warnings
as what would happen."""

from __future__ import annotations

from pathlib import Path

import pytest

from kafinea_tui.data.importer.plan import ImportReport
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.store.database import Store
from tests.import_helpers import plan, rows, snapshot, write


def organizations(store: Store) -> list[str]:
    return [str(r[0]) for r in rows(store, "SELECT name FROM organizations ORDER BY id")]


def dry_then_real(store: Store, path: Path, **options: object) -> tuple[ImportReport, ImportReport]:
    """The same plan as a dry run (which must change nothing), then for real."""
    before = snapshot(store)
    dry = run_import(store, plan(**options, path=path), dry_run=True)  # type: ignore[arg-type]
    assert snapshot(store) == before
    real = run_import(store, plan(**options, path=path))  # type: ignore[arg-type]
    assert (dry.related_created, dry.failed, dry.created) == (
        real.related_created,
        real.failed,
        real.created,
    )
    return dry, real


class TestAFailedRowLeavesNoTrace:
    """Related records (and picklist values) come only from the rows that are written."""

    def twins(self, store: Store) -> None:
        store.create("contacts", {"last_name": "Twin", "email": "twin@x.fr"})
        store.create("contacts", {"last_name": "Twin", "email": "TWIN@x.fr"})
        store.create("contacts", {"last_name": "Kept", "email": "kept@x.fr"})

    @pytest.mark.parametrize("mode", [None, "overwrite", "merge", "ignore"])
    def test_seven_rows_three_failures(
        self, store: Store, tmp_path: Path, mode: str | None
    ) -> None:
        self.twins(store)
        text = (
            "Email,Last Name,Organization Name,Lead Source\n"
            "a@x.fr,A,Org A,\n"
            "b@x.fr,,Org Mandatory,Salon\n"  # fails: mandatory last name
            "c@x.fr,C,Org C,\n"
            "d@x.fr,D,Org D,\n"
            "e@x.fr,E,Org E,\n"
            "f@x.fr,F,Org F,\n"
            "g@x.fr,,Org Mandatory Too,Fair\n"  # fails: mandatory last name
        )
        text += "twin@x.fr,T,Org Ambiguous,Expo\n" if mode else "bad@,T,Org Bad Email,Expo\n"
        path = write(tmp_path / "c.csv", text)
        options = {"module": "contacts"} | (
            {"duplicates": mode, "match": ["email"]} if mode else {}
        )
        dry, real = dry_then_real(store, path, **options)
        assert (real.total, real.failed) == (8, 3)
        assert real.related_created == 5
        assert organizations(store) == ["Org A", "Org C", "Org D", "Org E", "Org F"]
        assert store.count("contacts") == 3 + 5
        # Picklist values only from written rows: none of the failed rows' values are added.
        assert dry.warnings == real.warnings == []
        values = store.schema.module("contacts").field("lead_source").values
        assert not {"Salon", "Fair", "Expo"} & set(values)

    def test_the_losing_row_of_two_rows_naming_one_record(
        self, store: Store, tmp_path: Path
    ) -> None:
        """Overwrite: the last row's organization is written, not the first's."""
        path = write(
            tmp_path / "c.csv",
            "Email,Last Name,Organization Name\nx@x.fr,X,Org First\nX@x.fr,X,Org Last\n",
        )
        _, real = dry_then_real(
            store, path, module="contacts", duplicates="overwrite", match=["email"]
        )
        assert (real.created, real.updated, real.related_created) == (1, 1, 1)
        assert organizations(store) == ["Org Last"]

    def test_merge_takes_the_later_organization_and_only_creates_that_one(
        self, store: Store, tmp_path: Path
    ) -> None:
        store.create("contacts", {"last_name": "Kept", "email": "kept@x.fr"})
        path = write(
            tmp_path / "c.csv",
            "Email,Organization Name\nkept@x.fr,Org One\nkept@x.fr,Org Two\nkept@x.fr,\n",
        )
        _, real = dry_then_real(store, path, module="contacts", duplicates="merge", match=["email"])
        assert (real.merged, real.related_created) == (3, 1)
        assert rows(
            store, "SELECT o.name FROM contacts c JOIN organizations o ON o.id = c.organization"
        ) == [("Org Two",)]
        assert organizations(store) == ["Org Two"]

    def test_ignored_rows_create_no_related_record(self, store: Store, tmp_path: Path) -> None:
        store.create("contacts", {"last_name": "Kept", "email": "kept@x.fr"})
        path = write(
            tmp_path / "c.csv",
            "Email,Last Name,Organization Name\nkept@x.fr,K,Org Skipped\nnew@x.fr,N,Org New\n",
        )
        _, real = dry_then_real(
            store, path, module="contacts", duplicates="ignore", match=["email"]
        )
        assert (real.created, real.skipped, real.related_created) == (1, 1, 1)
        assert organizations(store) == ["Org New"]

    def test_a_row_failing_on_another_reference(self, store: Store, tmp_path: Path) -> None:
        """Sales orders: an ambiguous contact fails the order, so its new organization and
        product are not created; a unique conflict too."""
        store.create("contacts", {"last_name": "Twin", "email": "twin@x.fr"})
        store.create("contacts", {"last_name": "Twin", "email": "TWIN@x.fr"})
        store.create("salesorders", {"order_number": "SO-0", "subject": "Old"})
        path = write(
            tmp_path / "o.csv",
            "Order Number,Subject,Contact,Organization,Code,Qty\n"
            "SO-1,One,,Org One,P-1,1\n"
            "SO-2,Two,twin@x.fr,Org Two,P-2,1\n"  # ambiguous contact
            "so-0,Again,,Org Three,P-3,1\n"  # SO-0 exists: unique conflict
            "SO-4,,,Org Four,P-4,1\n",  # mandatory subject
        )
        mapping = {
            "Order Number": "order_number",
            "Subject": "subject",
            "Contact": "contact",
            "Organization": "organization",
            "Code": "items.product",
            "Qty": "items.quantity",
        }
        _, real = dry_then_real(store, path, module="salesorders", mapping=mapping)
        assert (real.created, real.failed, real.related_created) == (1, 3, 2)
        assert organizations(store) == ["Org One"]
        assert rows(store, "SELECT product_code FROM products") == [("P-1",)]


class TestRowsNamingOneRecordApplyInFileOrder:
    @pytest.mark.parametrize("existing", [False, True])
    def test_merge_each_later_non_empty_cell_wins(
        self, store: Store, tmp_path: Path, existing: bool
    ) -> None:
        if existing:
            store.create("contacts", {"last_name": "Stored", "email": "x@x.fr", "department": "D"})
        path = write(
            tmp_path / "c.csv",
            "Email,First Name,Last Name,Title,Mailing City\n"
            "x@x.fr,First,Lee,Boss,Paris\n"
            "other@x.fr,O,Other,,\n"
            "X@x.fr,Second,,,Lyon\n"
            "x@x.fr ,,,Chief,\n",
        )
        report = run_import(store, plan("contacts", path, duplicates="merge", match=["email"]))
        assert report.failed == 0
        assert (report.created, report.merged) == ((1, 3) if existing else (2, 2))
        assert rows(
            store,
            "SELECT first_name, last_name, title, mailing_city, department FROM contacts"
            " WHERE email = 'x@x.fr'",
        ) == [("Second", "Lee", "Chief", "Lyon", "D" if existing else None)]

    @pytest.mark.parametrize("existing", [False, True])
    def test_overwrite_the_last_row_wins(
        self, store: Store, tmp_path: Path, existing: bool
    ) -> None:
        if existing:
            store.create("contacts", {"last_name": "Stored", "email": "x@x.fr", "title": "T"})
        path = write(
            tmp_path / "c.csv",
            "Email,First Name,Last Name,Title\nx@x.fr,First,Lee,Boss\nX@x.fr,Second,Lee,\n",
        )
        report = run_import(store, plan("contacts", path, duplicates="overwrite", match=["email"]))
        assert report.failed == 0
        assert rows(store, "SELECT first_name, title FROM contacts WHERE email = 'x@x.fr'") == [
            ("Second", None)
        ]

    def test_ignore_the_first_row_creates_and_later_ones_are_skipped(
        self, store: Store, tmp_path: Path
    ) -> None:
        path = write(
            tmp_path / "c.csv",
            "Email,First Name,Last Name\nx@x.fr,First,Lee\nX@x.fr,Second,Lee\n",
        )
        report = run_import(store, plan("contacts", path, duplicates="ignore", match=["email"]))
        assert (report.created, report.skipped) == (1, 1)
        assert rows(store, "SELECT first_name, email FROM contacts") == [("First", "x@x.fr")]

    def test_sales_order_lines_later_order_values_win(self, store: Store, tmp_path: Path) -> None:
        path = write(
            tmp_path / "o.csv",
            "Order Number,Subject,Status,Code,Qty\n"
            "SO-1,First subject,Created,P-1,1\n"
            "SO-1,,Approved,P-2,2\n",
        )
        mapping = {
            "Order Number": "order_number",
            "Subject": "subject",
            "Status": "status",
            "Code": "items.product",
            "Qty": "items.quantity",
        }
        report = run_import(store, plan("salesorders", path, mapping=mapping))
        assert (report.created, report.failed) == (1, 0)
        assert rows(store, "SELECT subject, status FROM salesorders") == [
            ("First subject", "Approved")
        ]


class TestMatchFieldsKeepTheirStoredSpelling:
    @pytest.mark.parametrize("mode", ["overwrite", "merge"])
    def test_case_and_spaces_do_not_rewrite_a_match_field(
        self, store: Store, tmp_path: Path, mode: str
    ) -> None:
        lea = store.create(
            "contacts", {"last_name": "Lemaitre", "email": "lea.lemaitre@x.fr", "title": "A"}
        )
        path = write(tmp_path / "c.csv", "Email,Last Name,Title\n  LEA.LEMAITRE@X.FR ,Lemaitre,B\n")
        report = run_import(store, plan("contacts", path, duplicates=mode, match=["email"]))
        assert (report.updated + report.merged, report.failed) == (1, 0)
        assert rows(store, "SELECT email, title FROM contacts WHERE id = ?", [lea]) == [
            ("lea.lemaitre@x.fr", "B")
        ]

    def test_only_case_differs_is_no_change(self, store: Store, tmp_path: Path) -> None:
        store.create("contacts", {"last_name": "Lee", "email": "ann@x.fr"})
        before = rows(store, "SELECT count(*) FROM kf_changes")
        path = write(tmp_path / "c.csv", "Email,Last Name\nANN@X.FR,Lee\n")
        run_import(store, plan("contacts", path, duplicates="overwrite", match=["email"]))
        assert rows(store, "SELECT count(*) FROM kf_changes") == before

    def test_several_match_fields_and_a_new_record_named_twice(
        self, store: Store, tmp_path: Path
    ) -> None:
        store.create("contacts", {"first_name": "Ann", "last_name": "Lee", "title": "A"})
        path = write(
            tmp_path / "c.csv",
            "First Name,Last Name,Title\nANN,lee ,B\nbob,Brown,C\nBOB,BROWN,D\n",
        )
        report = run_import(
            store,
            plan("contacts", path, duplicates="overwrite", match=["first_name", "last_name"]),
        )
        assert (report.created, report.updated) == (1, 2)
        assert rows(store, "SELECT first_name, last_name, title FROM contacts ORDER BY id") == [
            ("Ann", "Lee", "B"),
            ("bob", "Brown", "D"),  # the record's first row gave its spelling
        ]


class TestFileOrderIsRecordOrder:
    """Ids ascend with the lines of the file on every path, related records included."""

    TEXT = (
        "Email,Last Name,Organization Name\n"
        "z@x.fr,Z,Zeta\n"
        "m@x.fr,M,Mu\n"
        "a@x.fr,A,Alpha\n"
        "q@x.fr,Q,Mu\n"
        "b@x.fr,B,Beta\n"
    )

    @pytest.mark.parametrize(
        ("mode", "extra"),
        [
            (None, ""),
            ("merge", ""),  # one row per record
            ("merge", "Z@x.fr,Z2,Zeta\n"),  # a repeated key: grouped
            ("overwrite", "Z@x.fr,Z2,Zeta\n"),
            ("ignore", ""),
        ],
    )
    def test_ids_follow_lines(
        self, store: Store, tmp_path: Path, mode: str | None, extra: str
    ) -> None:
        store.create("contacts", {"last_name": "Old", "email": "m@x.fr"})
        path = write(tmp_path / "c.csv", self.TEXT + extra)
        options = {"duplicates": mode, "match": ["email"]} if mode else {}
        run_import(store, plan("contacts", path, **options))  # type: ignore[arg-type]
        new = [
            str(r[0]) for r in rows(store, "SELECT email FROM contacts WHERE id > 1 ORDER BY id")
        ]
        expected = ["z@x.fr", "a@x.fr", "q@x.fr", "b@x.fr"]
        assert new == (["z@x.fr", "m@x.fr", *expected[1:]] if mode is None else expected)
        # Related records: in the order the file first names them.
        assert organizations(store) == ["Zeta", "Mu", "Alpha", "Beta"]

    def test_sales_orders_and_their_products(self, store: Store, tmp_path: Path) -> None:
        path = write(
            tmp_path / "o.csv",
            "Order Number,Subject,Code\nSO-9,Nine,P-9\nSO-1,One,P-5\nSO-9,Nine,P-1\nSO-5,Five,P-9\n",
        )
        mapping = {"Order Number": "order_number", "Subject": "subject", "Code": "items.product"}
        run_import(store, plan("salesorders", path, mapping=mapping))
        assert rows(store, "SELECT order_number FROM salesorders ORDER BY id") == [
            ("SO-9",),
            ("SO-1",),
            ("SO-5",),
        ]
        assert rows(store, "SELECT product_code FROM products ORDER BY id") == [
            ("P-9",),
            ("P-5",),
            ("P-1",),
        ]


class TestADryRunSaysWhatWouldHappen:
    def test_picklist_values_would_be_added(self, store: Store, tmp_path: Path) -> None:
        path = write(tmp_path / "c.csv", "Last Name,Lead Source\nA,Salon\nB,Expo\n")
        dry = run_import(store, plan("contacts", path), dry_run=True)
        assert dry.warnings == [
            "Lead Source: 'Salon', 'Expo' would be added to the list of values."
        ]
        real = run_import(store, plan("contacts", path))
        assert real.warnings == ["Lead Source: 'Salon', 'Expo' added to the list of values."]
