"""Editions in Chromium: an edition link shows frozen figures after a later load or edition, and published-only serving."""

import os
import shutil
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from browser import CHROMIUM, launch, open_page, serve, wait_ready
from conftest import cli, copy_store
from test_editions import PERIOD, _late_eoi

from alliance import editions

pytest.importorskip("playwright")
pytestmark = pytest.mark.skipif(
    not shutil.which(CHROMIUM) and not __import__("os").path.exists(CHROMIUM), reason="Debian chromium is not installed"
)

from playwright.sync_api import sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def edition_store(_handcount_store, tmp_path_factory):
    """The hand-counted store, edition TDAG-23 approved, then a late EoI loaded (the data now give 7 EoIs, the edition 6)."""
    folder = tmp_path_factory.mktemp("edition")
    store = copy_store(_handcount_store, folder)
    editions.publish(store, "TDAG-23", date(2023, 6, 30), date(2023, 1, 25), user="ana")
    editions.approve(store, "TDAG-23", user="boss")
    assert cli("load", _late_eoi(folder), "--db", store.path).returncode == 0
    return store


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = launch(p)
        yield chromium
        chromium.close()


def _eois(page) -> str:
    tile = page.locator('[data-testid="stMetric"]').filter(has_text="EoIs").first
    return tile.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_an_edition_link_shows_the_frozen_figures_and_keeps_them_on_other_pages(edition_store, browser):
    with serve(edition_store.path) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        open_page(page, f"{url}/?edition=TDAG-23&region=Europe")
        assert _eois(page) == "1"  # E7, Germany
        open_page(page, f"{url}/?edition=TDAG-23")
        assert _eois(page) == "6"
        main = page.locator('[data-testid="stMain"]').inner_text()
        assert "Edition TDAG-23" in main and "approved by boss" in main and "25 January 2023 to 30 June 2023" in main
        assert page.locator('[data-testid="stException"]').count() == 0
        page.locator('[data-testid="stSidebarNav"]').get_by_text("Regions").click()
        page.wait_for_url("**/regions**")
        open_page(page, page.url)
        assert "edition=TDAG-23" in page.url
        main = page.locator('[data-testid="stMain"]').inner_text()
        assert "Edition TDAG-23" in main and "Session State" not in main
        open_page(page, f"{url}/?as_of=2023-06-30&from=2023-01-25")
        assert _eois(page) == "7"  # the live data
        page.close()


def test_published_only_serving_shows_the_latest_approved_edition_and_hides_unreviewed_pages(edition_store, browser):
    with serve(edition_store.path, env={"ALLIANCE_PUBLISHED_ONLY": "1"}) as url:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        open_page(page, f"{url}/")
        assert _eois(page) == "6"
        assert "Edition TDAG-23" in page.locator('[data-testid="stMain"]').inner_text()
        assert page.locator('[data-testid="stException"]').count() == 0
        page.set_viewport_size({"width": 1400, "height": 1000})
        open_page(page, f"{url}/revisions")
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "Overview" in nav and "Revisions" not in nav and "Upload" not in nav and "Publish" not in nav
        assert page.locator('[data-testid="stMain"] h1').first.inner_text().strip() != "Revisions"
        page.close()


def _pick(page, where: str, label: str, option: str) -> None:
    """Choose an option of a select box (in the sidebar or the main area), then wait for the rerun."""
    box = page.locator(f'[data-testid="{where}"] [data-testid="stSelectbox"]').filter(has_text=label)
    box.locator("input").click()
    page.keyboard.type(option)  # a long list shows only the options in view
    page.get_by_role("option", name=option, exact=True).click()
    wait_ready(page)


def test_a_copied_published_only_link_keeps_its_figures_after_a_newer_edition(_handcount_store, browser, tmp_path):
    """The address after choosing a region and a country carried no edition=: once the next edition was
    approved, the same link showed that edition's figures under the banner's promise of the same figures."""
    store = copy_store(_handcount_store, tmp_path / "store")
    env = {k: v for k, v in os.environ.items() if k != "ALLIANCE_PUBLIC_URL"}
    for args in (("publish", "TDAG-23", *PERIOD, "--user", "ana"), ("approve", "TDAG-23", "--user", "boss")):
        assert cli(*args, "--db", store.path, env=env).returncode == 0
    with serve(store.path, env={"ALLIANCE_PUBLISHED_ONLY": "1"}) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        open_page(page, f"{url}/")
        assert "edition=TDAG-23" in page.url  # the latest edition, shown by default, is named
        _pick(page, "stSidebar", "Region", "Asia and the Pacific")
        assert _eois(page) == "1"  # E1, Korea
        page.locator('[data-testid="stSidebarNav"]').get_by_text("Regions").click()
        page.wait_for_url("**/regions**")
        wait_ready(page)
        _pick(page, "stMain", "Country", "Viet Nam")
        copied = page.url
        assert "edition=TDAG-23" in copied and "region=Asia" in copied and "country=Viet" in copied
        assert "No Alliance records for Viet Nam" in page.locator('[data-testid="stMain"]').inner_text()
        page.screenshot(path=str(tmp_path / "copied.png"), full_page=True)
        page.close()

        # A later load from Viet Nam, then the next edition, approved while the app serves.
        assert cli("load", _late_eoi(tmp_path, country="VNM"), "--db", store.path, env=env).returncode == 0
        for args in (("publish", "TDAG-24", *PERIOD, "--user", "ana"), ("approve", "TDAG-24", "--user", "boss")):
            done = cli(*args, "--db", store.path, env=env)
            assert done.returncode == 0 and "localhost" not in done.stdout, done.stdout + done.stderr

        later = browser.new_page(viewport={"width": 1400, "height": 1000})
        open_page(later, f"{url}/?region=Asia+and+the+Pacific")
        assert "Edition TDAG-24" in later.locator('[data-testid="stMain"]').inner_text() and _eois(later) == "2"
        assert "edition=TDAG-24" in later.url
        # The older edition chosen in the box: named in the address, on the next page too, and after Back.
        _pick(later, "stSidebar", "Figures", "TDAG-23")
        assert "edition=TDAG-23" in later.url and _eois(later) == "1"
        later.locator('[data-testid="stSidebarNav"]').get_by_text("Capabilities").click()
        later.wait_for_url("**/capabilities**")
        wait_ready(later)
        assert "edition=TDAG-23" in later.url and "Edition TDAG-23" in later.locator('[data-testid="stMain"]').inner_text()
        later.go_back()  # to the Overview: the banner names the edition its address names
        later.wait_for_url(lambda address: "capabilities" not in address)
        wait_ready(later)
        named = parse_qs(urlsplit(later.url).query)["edition"][0]
        assert f"Edition {named}" in later.locator('[data-testid="stMain"]').inner_text()
        assert _eois(later) == {"TDAG-23": "1", "TDAG-24": "2"}[named]
        later.close()

        again = browser.new_page(viewport={"width": 1400, "height": 1000})
        open_page(again, copied)
        main = again.locator('[data-testid="stMain"]').inner_text()
        assert "Edition TDAG-23" in main and "this link always gives the same figures" in main
        assert "No Alliance records for Viet Nam" in main  # TDAG-24 holds the Vietnamese EoI
        assert "edition=TDAG-23" in again.url and again.locator('[data-testid="stException"]').count() == 0
        again.screenshot(path=str(tmp_path / "reopened.png"), full_page=True)
        again.locator('[data-testid="stSidebarNav"]').get_by_text("Overview").click()
        again.wait_for_timeout(300)
        wait_ready(again)
        assert _eois(again) == "1" and "edition=TDAG-23" in again.url
        again.close()
