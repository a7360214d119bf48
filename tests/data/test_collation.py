"""Text sorts by the workspace's locale collation, and comparisons ignore accents as they
ignore case: in filters, quick search, references and sorts alike."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from kafinea_tui.data.collation import ROOT_COLLATION, collation_for, environment_locale
from kafinea_tui.data.query import ListQuery, count, fetch_page
from kafinea_tui.data.store.database import Store
from kafinea_tui.workspace import Workspace

NAMES = ("Zieliński", "Åberg", "Brûlé", "Bélanger", "ß", "Sz", "Sa", "zeta", "Jaurès")


@pytest.fixture
def store() -> Iterator[Store]:
    s = Store.open(":memory:")
    sg = s.create("organizations", {"name": "Société Générale"})
    other = s.create("organizations", {"name": "Acme"})
    for i, name in enumerate(NAMES):
        s.create(
            "contacts",
            {"last_name": name, "email": f"c{i}@x.fr", "organization": sg if i % 2 else other},
        )
    yield s
    s.close()


def last_names(store: Store, descending: bool = False, search: str = "") -> list[str]:
    query = ListQuery("contacts", search=search, sort=(("last_name", descending),))
    return [str(row[1]) for row in fetch_page(store, query, 0, 50).rows]


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("fr_FR.UTF-8", "fr"),
        ("de-AT", "de_at"),
        ("de_CH.UTF-8", "de"),
        ("sv", "sv"),
        ("C", ROOT_COLLATION),
        ("POSIX", ROOT_COLLATION),
        ("", ROOT_COLLATION),
        ("xx_YY", ROOT_COLLATION),
        ("fr; DROP TABLE contacts", ROOT_COLLATION),
    ],
)
def test_a_locale_picks_a_collation_or_the_root(locale: str, expected: str) -> None:
    assert collation_for(duckdb.connect(), locale) == expected


def test_the_environment_locale_follows_posix_precedence() -> None:
    assert environment_locale({"LANG": "fr_FR.UTF-8"}) == "fr_FR.UTF-8"
    assert environment_locale({"LANG": "fr_FR", "LC_COLLATE": "sv_SE"}) == "sv_SE"
    assert environment_locale({"LANG": "fr_FR", "LC_ALL": "de_DE"}) == "de_DE"
    assert environment_locale({}) == ""


def test_accents_and_sharp_s_sort_in_place(store: Store) -> None:
    root = ["Åberg", "Bélanger", "Brûlé", "Jaurès", "Sa", "ß", "Sz", "zeta", "Zieliński"]
    assert last_names(store) == root
    assert last_names(store, descending=True) == root[::-1]
    store.collation = "sv"  # Swedish sorts Å after Z
    assert last_names(store) == [*root[1:], "Åberg"]


def test_references_sort_by_the_related_key_collated(store: Store) -> None:
    query = ListQuery("contacts", sort=(("organization", True),))
    rows = fetch_page(store, query, 0, 50).rows
    assert rows[0][7] == "Société Générale" and rows[-1][7] == "Acme"


@pytest.mark.parametrize(
    ("expression", "found"),
    [
        ('last_name = "jaures"', ["Jaurès"]),
        ("last_name = JAURES ", ["Jaurès"]),
        ('last_name ~ "aure"', ["Jaurès"]),
        ('last_name ^ "ab"', ["Åberg"]),
        ('last_name in ("belanger", "brule")', ["Brûlé", "Bélanger"]),
        ('last_name = "zielinski"', ["Zieliński"]),
        ('organization = "societe generale"', ["Åberg", "Bélanger", "Sz", "zeta"]),
        ('organization ~ "GENERALE"', ["Åberg", "Bélanger", "Sz", "zeta"]),
    ],
)
def test_filters_ignore_accents_as_they_ignore_case(
    store: Store, expression: str, found: list[str]
) -> None:
    page = fetch_page(store, ListQuery("contacts", filter=expression), 0, 50)
    assert sorted(str(r[1]) for r in page.rows) == sorted(found)


def test_negations_ignore_accents_too(store: Store) -> None:
    assert count(store, ListQuery("contacts", filter='last_name != "jaures"')) == len(NAMES) - 1
    assert count(store, ListQuery("contacts", filter='last_name !~ "AUR"')) == len(NAMES) - 1


def test_quick_search_ignores_accents(store: Store) -> None:
    assert last_names(store, search="jaures") == ["Jaurès"]
    assert last_names(store, search="BRULE") == ["Brûlé"]
    assert last_names(store, search="Jaurès") == ["Jaurès"]


def test_the_workspace_reads_its_locale_from_config_then_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("LC_ALL", "LC_COLLATE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "sv_SE.UTF-8")
    workspace = Workspace(tmp_path)
    with workspace.opened_store() as opened:
        assert opened.collation == "sv"
    workspace.config_path.write_text('locale = "fr"\n')
    with workspace.opened_store() as opened:
        assert opened.collation == "fr"
    monkeypatch.setenv("LANG", "C.UTF-8")
    workspace.config_path.write_text("")
    with workspace.opened_store() as opened:
        assert opened.collation == ROOT_COLLATION
