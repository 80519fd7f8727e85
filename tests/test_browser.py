"""The running app in headless Chromium: every page, the map, a filter, an upload, a CLI load."""

import shutil

import pytest
from browser import CHROMIUM, launch, open_page, page_urls, serve
from conftest import cli, copy_store

pytest.importorskip("playwright")
pytestmark = pytest.mark.skipif(
    not shutil.which(CHROMIUM) and not __import__("os").path.exists(CHROMIUM), reason="Debian chromium is not installed"
)

from playwright.sync_api import sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def served(_handcount_store, tmp_path_factory):
    store = copy_store(_handcount_store, tmp_path_factory.mktemp("served"))
    with serve(store.path) as url, sync_playwright() as p:
        browser = launch(p)
        yield store, url, browser
        browser.close()


@pytest.fixture
def page(served):
    _, _, browser = served
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    yield page
    page.close()


def metric(page, label: str) -> str:
    tile = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return tile.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_every_page_opens_without_error(served, page):
    _, url, _ = served
    for path, title in page_urls():
        open_page(page, f"{url}/{path}?as_of=2023-06-30")
        assert page.locator('[data-testid="stMain"] h1').first.inner_text().strip() == title
        assert page.locator('[data-testid="stException"]').count() == 0, path


def test_changing_the_region_filter_changes_the_figures_and_the_url(served, page):
    _, url, _ = served
    open_page(page, f"{url}/?as_of=2023-06-30")
    assert metric(page, "EoIs") == "6"
    before = page.locator(".js-plotly-plot").first.evaluate("el => JSON.stringify(el.data.map(t => t.y))")
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Region").locator("input").click()
    page.get_by_role("option", name="Africa").click()
    page.wait_for_function("() => location.search.includes('region=Africa')")
    page.wait_for_timeout(500)
    open_page(page, page.url)
    assert metric(page, "EoIs") == "2"
    after = page.locator(".js-plotly-plot").first.evaluate("el => JSON.stringify(el.data.map(t => t.y))")
    assert after != before


def _choose_region(page, name: str) -> None:
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Region").locator("input").click()
    page.get_by_role("option", name=name).click()


def test_going_back_to_all_regions_shows_all_regions_again_and_a_page_switch_keeps_the_region(served, page):
    """Choosing "All regions" after a region drops region= from the URL: the app took that for a page switch,
    put the old region back through the bound parameter, and every page showed an error until another choice."""
    _, url, _ = served
    open_page(page, f"{url}/")  # no parameter in the address: every box at its default
    everywhere = metric(page, "EoIs")
    _choose_region(page, "Africa")
    page.wait_for_function("() => location.search.includes('region=Africa')")
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')")
    _choose_region(page, "All regions")
    page.wait_for_function("() => !location.search.includes('region=')")
    page.wait_for_timeout(500)
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert metric(page, "EoIs") == everywhere
    # A region chosen on one page stays chosen on the next, in the figures and in the address.
    _choose_region(page, "Africa")
    page.wait_for_function("() => location.search.includes('region=Africa')")
    page.wait_for_timeout(500)
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Centers and EoIs").click()
    page.wait_for_function("() => location.pathname.endsWith('/centers') && location.search.includes('region=Africa')")
    page.wait_for_timeout(500)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Showing Africa").count()


def test_a_copied_link_opens_the_same_view(served, page):
    _, url, _ = served
    open_page(page, f"{url}/?as_of=2023-06-30&region=Africa")
    assert metric(page, "EoIs") == "2"
    region = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Region")
    assert "Africa" in (region.locator("input").input_value() + region.inner_text())


def test_load_from_command_line_shows_up_without_restart(served, page, tmp_path):
    store, url, _ = served
    open_page(page, f"{url}/?as_of=2030-01-01")
    before = int(metric(page, "EoIs"))
    path = tmp_path / "eois.csv"
    path.write_text("eoi_id,received_on,country,organization,request,status\nCLI-1,2023-02-01,BRA,Org,other,received\n")
    done = cli("load", path, "--db", store.path)
    assert done.returncode == 0, done.stderr
    open_page(page, f"{url}/?as_of=2030-01-01")
    assert int(metric(page, "EoIs")) == before + 1


def test_map_draws_country_shapes_offline(served, page):
    _, url, _ = served
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    open_page(page, f"{url}/regions?as_of=2023-06-30")
    page.wait_for_selector("path.choroplethlocation", timeout=30000)
    assert page.locator("path.choroplethlocation").count() >= 5
    # shapes are drawn (plotly draws none without the outline, which comes from /app/static/)
    lengths = page.locator("path.choroplethlocation").evaluate_all("paths => paths.map(p => (p.getAttribute('d') || '').length)")
    assert min(lengths) > 20
    assert not [u for u in failed if "topojson" in u or "world_110m" in u]


def test_upload_a_workbook_end_to_end(served, page, tmp_path):
    store, url, _ = served
    con = store.connect()
    before = con.execute("select count(*) from eois").fetchall()[0][0]
    con.close()
    path = tmp_path / "eois.csv"
    path.write_text(
        "eoi_id,received_on,country,organization,request,status\nUP-1,15/04/2023,Korea (Rep. of),Org,Establish a centre,Under review\n"
    )
    open_page(page, f"{url}/upload")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    load_button = page.get_by_role("button", name="Load 1 row into the store")
    load_button.wait_for(timeout=30000)
    con = store.connect()
    assert con.execute("select count(*) from eois").fetchall()[0][0] == before  # nothing written before commit
    con.close()
    load_button.click()
    page.get_by_text("Loaded eois.csv as load").first.wait_for(timeout=60000)
    con = store.connect()
    after = con.execute("select count(*), count(*) filter (where eoi_id = 'UP-1' and country = 'KOR') from eois").fetchall()[0]
    con.close()
    assert after == (before + 1, 1)


def test_deep_link_on_a_fresh_server_opens_that_page_with_filters(_handcount_store, served, tmp_path):
    store = copy_store(_handcount_store, tmp_path / "fresh")
    _, _, browser = served
    with serve(store.path) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        open_page(page, f"{url}/capabilities?as_of=2023-06-30&region=Africa")
        assert page.locator('[data-testid="stMain"] h1').first.inner_text().strip() == "Capabilities"
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator('[data-testid="stSidebarNav"]').count() == 1
        page.close()


def test_ten_sessions_browsing_during_a_load_see_before_or_after_never_between(served, tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    store, url, browser = served
    pages = []
    for _ in range(10):
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        pages.append(context.new_page())
    link = f"{url}/?as_of=2030-01-01"
    for page in pages:
        open_page(page, link, 60000)
    before = (metric(pages[0], "EoIs"), metric(pages[0], "Countries"))
    path = tmp_path / "eois.csv"
    rows = "".join(f"TEN-{n},2023-02-01,{'BRA' if n % 2 else 'IND'},Org {n},other,received\n" for n in range(2000))
    path.write_text("eoi_id,received_on,country,organization,request,status\n" + rows)
    load = subprocess.Popen(
        [sys.executable, "-m", "alliance", "load", str(path), "--db", str(store.path)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = []
    while load.poll() is None:
        for page in pages:
            open_page(page, link, 60000)
            assert page.locator('[data-testid="stException"]').count() == 0
            seen.append((metric(page, "EoIs"), metric(page, "Countries")))
    assert load.returncode == 0, load.stderr.read()
    for page in pages:
        open_page(page, link, 60000)
        assert page.locator('[data-testid="stException"]').count() == 0
        seen.append((metric(page, "EoIs"), metric(page, "Countries")))
    after = seen[-1]
    assert after != before
    assert set(seen) <= {before, after}, set(seen)
    for page in pages:
        page.context.close()


def test_read_only_app_offers_no_upload_or_rollback_by_navigation_or_url(_handcount_store, served, tmp_path):
    store = copy_store(_handcount_store, tmp_path / "readonly")
    _, _, browser = served
    with serve(store.path, env={"ALLIANCE_READ_ONLY": "1"}) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        open_page(page, f"{url}/")
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "History" in nav and "Upload" not in nav
        open_page(page, f"{url}/upload")
        assert page.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 0
        assert page.locator('[data-testid="stMain"] h1').first.inner_text().strip() != "Upload"
        open_page(page, f"{url}/history")
        assert page.get_by_role("button", name="Roll back").count() == 0
        assert "Read-only" in page.locator('[data-testid="stSidebar"]').inner_text()
        page.close()


@pytest.mark.parametrize("ref, words", [("XFD1048576", "cell XFD1048576"), ("GR1000000", "needs more memory")])
def test_a_crafted_workbook_uploaded_through_the_page_is_refused_and_the_server_keeps_serving(served, page, tmp_path, ref, words):
    """A 5 KB workbook with one far cell once killed the Streamlit process: every session lost its connection."""
    from datetime import date

    from test_parse_limits import one_value_at

    from alliance.kpis import summary

    store, url, browser = served
    path = one_value_at(tmp_path / "crafted.xlsx", ref)
    open_page(page, f"{url}/upload")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.get_by_text(words).first.wait_for(timeout=30000)
    assert page.get_by_role("button", name="into the store").count() == 0
    other = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        open_page(other, f"{url}/?as_of=2023-06-30")
        con = store.connect()
        expected = summary(con, date(2023, 6, 30), period_start=date(2023, 1, 25))["eois"]["total"]
        con.close()
        assert metric(other, "EoIs") == f"{expected:,}"  # another session still gets its figures
    finally:
        other.close()


def test_choosing_a_region_zooms_the_map_to_it_in_the_browser(served, page):
    _, url, _ = served
    open_page(page, f"{url}/regions?as_of=2023-06-30&region=Africa")
    page.wait_for_selector("path.choroplethlocation", timeout=30000)
    geo = page.locator(".js-plotly-plot").first.evaluate("el => el.layout.geo")
    lon, lat = geo["lonaxis"]["range"], geo["lataxis"]["range"]
    assert -30 <= lon[0] < lon[1] <= 60 and -40 <= lat[0] < lat[1] <= 40  # Africa, not the world
    assert page.locator("path.choroplethlocation").count() >= 40  # every African member state drawn, records or not
