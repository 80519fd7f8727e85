"""Links that keep their word: the address names the edition shown, and no permalink points at a guessed host."""

import io
import os
import zipfile
from datetime import date

import pytest
from conftest import cli
from docx import Document
from test_editions import PERIOD, _late_eoi

from alliance import editions
from alliance.ingest.load import load_file

AS_OF, START = date(2023, 6, 30), date(2023, 1, 25)
PUBLIC = "https://alliance.example.int/tdag"


@pytest.fixture
def two_editions(store, tmp_path):
    """TDAG-23 approved (6 EoIs), a late EoI loaded, then TDAG-24 approved (7 EoIs), both for the same period."""
    editions.publish(store, "TDAG-23", AS_OF, START, user="ana")
    editions.approve(store, "TDAG-23", user="boss")
    load_file(store, _late_eoi(tmp_path), user="ana")
    editions.publish(store, "TDAG-24", AS_OF, START, user="ana")
    editions.approve(store, "TDAG-24", user="boss")
    return store


def _eois(at) -> str:
    return next(m for m in at.metric if m.label == "EoIs").value


def _banner(at) -> str:
    return " ".join(i.value for i in at.info)


def test_published_only_address_names_the_latest_edition_shown_by_default(two_editions, app, monkeypatch):
    """It carried no edition=, so a copied link showed other figures once the next edition was approved."""
    monkeypatch.setenv("ALLIANCE_PUBLISHED_ONLY", "1")
    at = app("overview")
    assert not at.exception
    assert _eois(at) == "7" and "Edition TDAG\\-24" in _banner(at)
    assert at.query_params["edition"] == "TDAG-24"


def test_published_only_link_to_the_latest_edition_keeps_its_name(two_editions, app, monkeypatch):
    """/?edition=NAME of the latest edition was rewritten to /, the address of whatever edition comes next."""
    monkeypatch.setenv("ALLIANCE_PUBLISHED_ONLY", "1")
    at = app("overview", edition="TDAG-24", region="Europe")
    assert not at.exception
    assert at.query_params["edition"] == "TDAG-24" and at.query_params["region"] == "Europe"


def test_published_only_link_to_an_older_edition_shows_it_and_keeps_it(two_editions, app, monkeypatch):
    monkeypatch.setenv("ALLIANCE_PUBLISHED_ONLY", "1")
    at = app("overview", edition="TDAG-23")
    assert _eois(at) == "6" and "Edition TDAG\\-23" in _banner(at)
    assert at.query_params["edition"] == "TDAG-23"


@pytest.mark.parametrize("published_only", [False, True])
def test_the_address_keeps_the_edition_across_page_switches(two_editions, app, monkeypatch, published_only):
    """Streamlit's page navigation drops edition= (the box is not bound to the address): the session puts it back."""
    if published_only:
        monkeypatch.setenv("ALLIANCE_PUBLISHED_ONLY", "1")
    at = app("overview", edition="TDAG-23", region="Africa")
    for page in ("regions", "capabilities", "report", "overview"):
        at.query_params.pop("edition", None)  # as the browser sends it on a click in the page list
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, page
        assert at.query_params.get("edition") == "TDAG-23", page
        assert "Edition TDAG\\-23" in _banner(at), page
    assert _eois(at) == "2"  # Africa in TDAG-23: E2 and E3, Kenya
    assert at.query_params.get("region") == "Africa"


def test_choosing_in_the_figures_box_writes_the_address(two_editions, app):
    at = app("overview")
    assert "edition" not in at.query_params  # the live data: no edition to name
    at.sidebar.selectbox(key="edition").set_value("TDAG-24").run()
    assert at.query_params["edition"] == "TDAG-24" and _eois(at) == "7"
    at.sidebar.selectbox(key="edition").set_value("TDAG-23").run()
    assert at.query_params["edition"] == "TDAG-23" and _eois(at) == "6"
    at.sidebar.selectbox(key="edition").set_value("Live data").run()
    assert not at.exception and "edition" not in at.query_params


def test_a_link_in_another_case_is_given_the_editions_own_name(two_editions, app):
    at = app("overview", edition=" tdag-23 ")
    assert _eois(at) == "6" and at.query_params["edition"] == "TDAG-23"


@pytest.mark.parametrize("published_only", [False, True])
def test_a_link_to_an_unknown_edition_says_so_and_names_what_is_shown(two_editions, app, monkeypatch, published_only):
    if published_only:
        monkeypatch.setenv("ALLIANCE_PUBLISHED_ONLY", "1")
    at = app("overview", edition="TDAG-99")
    assert not at.exception
    assert "'TDAG\\-99' is not an" in " ".join(w.value for w in at.warning)
    assert at.query_params.get("edition") == ("TDAG-24" if published_only else None)


def _env(public_url: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "ALLIANCE_PUBLIC_URL"}
    return {**env, "ALLIANCE_PUBLIC_URL": public_url} if public_url else env


def _docx_text(docx) -> str:
    """The document's text (paragraphs and table cells), then every XML part of it (hyperlink targets included)."""
    source = io.BytesIO(docx) if isinstance(docx, bytes) else docx
    doc = Document(source)
    text = [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells]
    with zipfile.ZipFile(source) as z:
        parts = [z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith((".xml", ".rels"))]
    return "\n".join(text + parts)


def test_approve_prints_a_permalink_only_from_the_public_address(store):
    assert cli("publish", "TDAG-23", *PERIOD, "--user", "ana", "--db", store.path).returncode == 0
    assert cli("publish", "TDAG-24", *PERIOD, "--user", "ana", "--db", store.path).returncode == 0
    bare = cli("approve", "TDAG-23", "--user", "boss", "--db", store.path, env=_env())
    assert bare.returncode == 0, bare.stderr
    assert "localhost" not in bare.stdout + bare.stderr and "?edition=" not in bare.stdout
    assert "ALLIANCE_PUBLIC_URL" in bare.stdout
    public = cli("approve", "TDAG-24", "--user", "boss", "--db", store.path, env=_env(PUBLIC + "/"))
    assert public.returncode == 0, public.stderr
    assert f"{PUBLIC}/?edition=TDAG-24" in public.stdout


def test_no_report_names_a_guessed_host_without_a_public_address(store, tmp_path):
    """`report --edition` wrote "Permalink: http://localhost:8501/?edition=TDAG-26" whatever port the app used."""
    editions.publish(store, "TDAG 23", AS_OF, START, user="ana")
    editions.approve(store, "TDAG 23", user="boss")
    outs = {}
    for name, args in (("edition", ("--edition", "TDAG 23")), ("live", PERIOD)):
        outs[name] = tmp_path / f"{name}.docx"
        done = cli("report", *args, "--out", outs[name], "--no-images", "--db", store.path, env=_env())
        assert done.returncode == 0, done.stderr
        assert "localhost" not in done.stdout + done.stderr
        assert "localhost" not in _docx_text(outs[name])
    text = _docx_text(outs["edition"])
    assert "choose edition TDAG 23 under Figures, or add ?edition=TDAG%2023 to its address" in text
    assert "Permalink" not in text


def test_a_report_with_a_public_address_gives_the_permalink(store, tmp_path):
    editions.publish(store, "TDAG-23", AS_OF, START, user="ana")
    editions.approve(store, "TDAG-23", user="boss")
    out = tmp_path / "r.docx"
    done = cli("report", "--edition", "TDAG-23", "--out", out, "--no-images", "--db", store.path, env=_env(PUBLIC))
    assert done.returncode == 0, done.stderr
    text = _docx_text(out)
    assert f"Permalink: {PUBLIC}/?edition=TDAG-23" in text and "localhost" not in text


def _page_report(at) -> str:
    """Build the report on the Report page; every XML part of its document."""
    at.button[0].click().run(timeout=180)
    assert not at.exception
    return _docx_text(at.session_state["report"]["docx"])


def test_the_report_page_cites_the_edition_by_name_without_an_address(two_editions, app, monkeypatch):
    """With no public address and no browser's (no browser here), it cited http://localhost:8501."""
    monkeypatch.delenv("ALLIANCE_PUBLIC_URL", raising=False)
    text = _page_report(app("report", edition="TDAG-23"))
    assert "localhost" not in text and "Permalink" not in text
    assert "choose edition TDAG-23 under Figures, or add ?edition=TDAG-23 to its address" in text


def test_the_report_page_links_from_the_public_address_else_the_browsers(two_editions, app, monkeypatch):
    monkeypatch.delenv("ALLIANCE_PUBLIC_URL", raising=False)
    at = app("report", edition="TDAG-23")
    at.context["url"] = "http://127.0.0.1:8601/report"
    assert "Permalink: http://127.0.0.1:8601/?edition=TDAG-23" in _page_report(at)  # not .../report/?edition=
    monkeypatch.setenv("ALLIANCE_PUBLIC_URL", PUBLIC)
    at = app("report", edition="TDAG-23")
    at.context["url"] = "http://10.0.0.5:8601/report"
    assert f"Permalink: {PUBLIC}/?edition=TDAG-23" in _page_report(at)
