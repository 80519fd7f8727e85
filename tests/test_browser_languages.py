"""The dashboard in ITU's six languages in headless Chromium: every page in the pseudo-language leaves no English
word of the interface, every page in each language on desktop and phone with its own words, and Arabic reads right
to left."""

import shutil

import pytest
from browser import CHROMIUM, launch, open_page, page_urls, serve, wait_ready
from conftest import ENGLISH_WORD, NOT_WORDS, PSEUDO_MARKED, copy_store

from alliance import i18n

pytest.importorskip("playwright")
pytestmark = pytest.mark.skipif(
    not shutil.which(CHROMIUM) and not __import__("os").path.exists(CHROMIUM), reason="Debian chromium is not installed"
)

from playwright.sync_api import sync_playwright  # noqa: E402

# The interface's own words on a page: headings, the navigation, widget labels, buttons, tiles' labels, expanders'
# and tabs' titles. (Captions and tables carry data: their words are checked page by page in AppTest.)
CHROME = (
    '[data-testid="stMain"] h1, [data-testid="stMain"] h2, [data-testid="stMain"] h3, [data-testid="stMain"] h4, '
    '[data-testid="stMain"] h5, [data-testid="stSidebarNav"] a, [data-testid="stWidgetLabel"], [data-testid="stButton"] button, '
    '[data-testid="stDownloadButton"] button, [data-testid="stMetricLabel"], [data-testid="stExpander"] summary, '
    '[data-baseweb="tab"], [data-testid="stSidebar"] [data-testid="stMarkdownContainer"] strong'
)


@pytest.fixture(scope="module")
def served(_handcount_store, tmp_path_factory):
    store = copy_store(_handcount_store, tmp_path_factory.mktemp("languages"))
    with serve(store.path) as url, sync_playwright() as p:
        browser = launch(p)
        yield url, browser
        browser.close()


def _unmarked(texts: list[str]) -> list[str]:
    left = []
    for text in texts:
        previous = None
        while previous != text:
            previous, text = text, PSEUDO_MARKED.sub(" ", text)
        left += ENGLISH_WORD.findall(NOT_WORDS.sub(" ", text))
    return left


def test_every_page_in_the_pseudo_language_leaves_no_english_word_of_the_interface(served):
    url, browser = served
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    for path, _ in page_urls():
        open_page(page, f"{url}/{path}?as_of=2023-06-30&lang={i18n.PSEUDO}")
        assert page.locator('[data-testid="stException"]').count() == 0, path
        # Icons are ligatures ("dashboard" drawn as a glyph): their names are not words a reader sees.
        texts = page.locator(CHROME).evaluate_all(
            "els => els.map(e => { const c = e.cloneNode(true);"
            " c.querySelectorAll('[data-testid=stIconMaterial], [data-testid=stExpanderIcon], [translate=no]').forEach(i => i.remove()); return c.textContent; })"
        )
        assert texts, path
        # Region and capability names come marked too; the store's own titles never appear in these elements.
        assert not _unmarked(texts), (path, _unmarked(texts))
    page.close()


@pytest.mark.parametrize("language", list(i18n.LANGUAGES))
def test_every_page_opens_in_each_language_on_desktop_and_phone_in_its_own_words(served, language):
    """One tab per language, every page reached through the navigation (as a reader moves), each looked at on a
    desktop and at a phone's width: its own title, no error, nothing wider than the screen, the language's
    direction."""
    url, browser = served
    with i18n.speaking(language):
        titles = {path: i18n._(title) for path, title in page_urls()}
    desktop, phone = {"width": 1400, "height": 1000}, {"width": 390, "height": 844}
    page = browser.new_page(viewport=desktop)
    open_page(page, f"{url}/?as_of=2023-06-30&lang={language}")
    for path, title in titles.items():
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).first.click()
        page.wait_for_function(
            "t => document.querySelector('[data-testid=stMain] h1')?.innerText.trim() === t", arg=title, timeout=30000
        )
        wait_ready(page)
        assert page.locator('[data-testid="stException"]').count() == 0, (language, path)
        direction = page.evaluate('getComputedStyle(document.querySelector("[data-testid=stMain]")).direction')
        assert direction == ("rtl" if language == "ar" else "ltr"), (language, path)
        page.set_viewport_size(phone)
        page.wait_for_timeout(300)
        # A phone scrolls down, never sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= phone["width"] + 1, (language, path)
        assert page.locator('[data-testid="stMain"] h1').first.is_visible()
        page.set_viewport_size(desktop)
        page.wait_for_timeout(300)
    assert f"lang={language}" in page.url or language == "en"  # the link still says the language
    page.close()


def test_arabic_puts_the_sidebar_on_the_right_and_its_charts_read_right_to_left(served):
    url, browser = served
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    open_page(page, f"{url}/capabilities?as_of=2023-06-30&lang=ar")
    sidebar = page.locator('[data-testid="stSidebar"]').bounding_box()
    main = page.locator('[data-testid="stMain"]').bounding_box()
    assert sidebar["x"] > main["x"] + main["width"] / 2
    page.locator(".js-plotly-plot").first.wait_for()
    # The bars grow leftwards: a longer bar starts further left, they all end at the axis on the right.
    bars = page.locator(".js-plotly-plot .point path").evaluate_all("els => els.map(e => e.getBoundingClientRect())")
    rights = {round(b["right"]) for b in bars if b["width"] > 2}
    assert len(rights) == 1 and len({round(b["left"]) for b in bars if b["width"] > 2}) > 1
    page.close()
