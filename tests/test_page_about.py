"""The About page: the Alliance from the reference tables, every KPI definition, the sources."""

import csv

import pytest
from conftest import markdown_tables

from alliance import DATA_DIR


def markdown(at) -> str:
    return " ".join(m.value for m in at.markdown)


def tables(at) -> list:
    """The page's static tables, as the reader sees them."""
    return markdown_tables(at)


def test_about_shows_the_five_capabilities_and_every_kpi(app):
    at = app("about")
    assert not at.exception
    text = markdown(at)
    for name in (
        "Trends research readiness",
        "Open technology innovation",
        "Entrepreneurship and SMEs growth",
        "Policy experimentation",
        "Ecosystem initiatives acceleration",
    ):
        assert name in text
    assert "25 January 2023" in text
    with open(DATA_DIR / "kpis.csv", newline="") as handle:
        kpis = list(csv.DictReader(handle))
    # Each KPI by name with its unit and definition, as a list a phone shows whole; codes only in the downloads.
    listed = markdown(at).replace("\\", "")
    for kpi in kpis:
        assert f"**{kpi['name']}**, in {kpi['unit']}: {kpi['definition']}" in listed, kpi["kpi_code"]
        assert kpi["kpi_code"] not in listed
    assert not [t for t in tables(at) if "definition" in t.columns]


def test_about_lists_center_types_and_flags_unverified_initiatives(app):
    at = app("about")
    frames = tables(at)
    types = next(f for f in frames if "center type" in f.columns)
    assert list(types["code"]) == ["TAC", "REEC", "IDTAC", "IAC"]
    alliance = next(f for f in frames if "title verified" in f.columns)
    assert set(alliance["code"]) == {"AFR4", "AMS3", "ARB4", "ASP4", "CIS3", "CIS5", "EUR5"}
    assert set(alliance[alliance["code"] == "AMS3"]["title verified"]) == {"yes"}
    assert set(alliance[alliance["code"] == "AFR4"]["title verified"]) == {"no"}
    assert "title not verified" in markdown(at)


def test_about_initiatives_follow_the_region_filter(app):
    at = app("about", region="AFR")
    assert not at.exception
    alliance = next(t for t in tables(at) if "title verified" in t.columns)
    assert list(alliance["code"]) == ["AFR4"]
    assert set(alliance["region"]) == {"Africa"}


def test_about_draws_every_initiative_when_asked_and_offers_it_as_a_download(app):
    at = app("about", region="AFR")
    assert len([t for t in tables(at) if "title verified" in t.columns]) == 1  # the Alliance's own only
    assert {b.label for b in at.get("download_button")} >= {"CSV", "Excel"}
    toggle = at.toggle(key="about_every_initiative")
    assert toggle.label.startswith("Every regional initiative, Africa (")
    at = toggle.set_value(True).run()
    assert not at.exception
    alliance, every = [t for t in tables(at) if "title verified" in t.columns]
    assert set(every["region"]) == {"Africa"} and len(every) > len(alliance)
    assert set(alliance["code"]) <= set(every["code"])
    assert "source" in every.columns and every["source"].str.len().gt(0).all()


def test_about_names_the_store_to_an_admin_as_plain_text_and_not_to_a_viewer(app, store, monkeypatch):
    at = app("about")
    assert not at.exception
    assert any(str(store.path) in t.value and store.snapshot_name() in t.value for t in at.text)
    assert not at.code  # no code block: it would load a highlighting script into the tab
    monkeypatch.setenv("ALLIANCE_ROLE", "viewer")
    at = app("about")
    assert not any(str(store.path) in t.value for t in at.text)


@pytest.mark.parametrize(("language", "not_found"), [("en", "P3 (title not found)"), ("fr", "P3 (titre introuvable)")])
def test_about_names_a_priority_whose_title_was_not_found_once_by_its_code(app, language, not_found):
    at = app("about", lang=language)
    [outcomes] = [t for t in tables(at) if "OUT3.4" in t.to_string()]
    priorities = " | ".join(outcomes.astype(str).to_numpy().ravel())
    assert not_found in priorities and "P3 P3" not in priorities
