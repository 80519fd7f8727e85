"""The dashboard in ITU's six languages in headless Chromium: every page in the pseudo-language leaves no English
word of the interface, every page in each language on desktop and phone with its own words, and Arabic reads right
to left."""

import re
import shutil

import pytest
from browser import CHROMIUM, launch, open_page, page_urls, serve, wait_ready
from conftest import ENGLISH_WORD, NOT_WORDS, PSEUDO_MARKED, copy_store

from alliance import i18n, words
from alliance.schema import SHEETS
from components.about import MISSION, TDAG_2023

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
        yield url, browser, store
        browser.close()


# Every text a reader sees on the page (text drawn in charts too), the hints in empty boxes and the charts' tooltips;
# not icons (ligatures)
# nor Streamlit's "Skip to main content" link, shown only to a keyboard's first Tab (Streamlit has no option for it).
SEEN = """() => {
  const blocks = new Map();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (!parent || parent.closest('script, style, noscript, [data-testid=stIconMaterial], [data-testid=stExpanderIcon], [translate=no], a[href="#stMain"]')) continue;
    if (!parent.checkVisibility({visibilityProperty: true})) continue;
    // A sentence with a bold word, or a chart's label on two lines, is one text: its block's.
    const block = parent.closest('p, li, h1, h2, h3, h4, h5, h6, td, th, label, button, summary, text') || parent;
    blocks.set(block, (blocks.get(block) || '') + walker.currentNode.textContent);
  }
  const out = [...blocks.values()];
  document.querySelectorAll('input[placeholder], textarea[placeholder]').forEach(e => out.push(e.placeholder));
  // Words the page's style draws in place of Streamlit's (the file picker's, a text box's hint).
  document.querySelectorAll('[data-testid=stFileUploaderDropzone] *, [data-testid=InputInstructions]').forEach(e => {
    for (const pseudo of ['::before', '::after']) {
      const drawn = getComputedStyle(e, pseudo).content;
      if (drawn.startsWith('"') && e.checkVisibility()) out.push(JSON.parse(drawn));
    }
  });
  // Plotly's mode bar: its buttons' tooltips, as drawn (the page's style may write one in place of its title).
  document.querySelectorAll('.modebar-btn[data-title]').forEach(e => {
    const drawn = getComputedStyle(e, '::after').content;
    out.push(drawn.startsWith('"') ? JSON.parse(drawn) : e.dataset.title);
  });
  return out;
}"""
# The pseudo-language writes dates as English does (its values come from English CLDR).
SHORT_MONTHS = re.compile(r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b")


# The store's text shown as written: what the register's rows say (titles, names, places, partners, sources, notes),
# who loaded and named what, and the reference data's quoted texts. Not its names of regions, capabilities, center
# types, countries and KPIs, nor codes and statuses: those are said in the language spoken.
AS_WRITTEN = {
    "activities": ("title", "source"),
    "centers": ("name", "city", "host_organization", "source"),
    "eois": ("organization", "call_round", "source"),
    "events": ("title", "city", "partners", "source"),
    "milestones": ("title", "owner", "source"),
    "resources": ("partner", "source"),
    "reported": ("qualifier", "source"),
    "targets": ("source",),
    "initiatives": ("title", "source"),
    "kap_priorities": ("title", "source"),
    "outcomes": ("title", "res90_resolves", "source"),
    "res90": ("text", "source"),
    "center_types": ("ownership", "scope", "resources", "source"),
    "capabilities": ("source",),
    "cycles": ("source",),
    "loads": ("loaded_by", "loaded_by_account", "note"),
    "editions": ("name", "note", "prepared_by", "approved_by"),
}


def _data_text(store) -> str:
    """The store's text shown as written, one value per line, and the documents the app cites by title."""
    con = store.connect()
    values = []
    try:
        for table, columns in AS_WRITTEN.items():
            for column in columns:
                values += [v for (v,) in con.execute(f'select distinct "{column}" from "{table}"').fetchall() if v]
    finally:
        con.close()
    # Sources are shown cited, documents by their titles as the documents give them; the brochure's mission is
    # quoted in English in every language (no official translation is in the sources); a table of the register's
    # sheets names them as the template does.
    documents = [*words._DOCUMENTS.values(), TDAG_2023, "WTDC-22 Final Report"]
    sheets = [sheet.label for sheet in SHEETS.values()]
    return "\n".join([*values, *map(words.cite, values), *documents, MISSION, "ITU-D Innovation, Our Mission", *sheets])


def _not_data(text: str, data: str) -> list[str]:
    """The parts of a text neither marked as the catalogue's nor found as written in the store's data."""
    previous = None
    while previous != text:
        previous, text = text, PSEUDO_MARKED.sub("\n", text)
    left = []
    for part in re.split(r"[\n·;]", text):
        # A code before a title or a store's path are not words ("P2 Digital transformation").
        part = re.sub(r"^[A-Z][A-Z0-9.-]*\d\s+|(?:^|\s)/\S+", "", part.strip()).strip(" …:;,.()–-")
        if ENGLISH_WORD.search(NOT_WORDS.sub(" ", SHORT_MONTHS.sub(" ", part))) and part not in data:
            left.append(part)
    return left


def _unmarked(texts: list[str]) -> list[str]:
    left = []
    for text in texts:
        previous = None
        while previous != text:
            previous, text = text, PSEUDO_MARKED.sub(" ", text)
        left += ENGLISH_WORD.findall(NOT_WORDS.sub(" ", text))
    return left


def test_every_page_in_the_pseudo_language_leaves_no_english_word_of_the_interface(served):
    url, browser, _store = served
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


def test_every_text_a_reader_sees_in_the_pseudo_language_is_marked_or_data(served):
    """Not only the interface's own elements: every visible text of every page (captions, Markdown tables, charts'
    texts, tiles, notices, Plotly's mode bar, the file picker's words) is a catalogue message or text of the store's
    data as written. Data grids draw their cells on a canvas, out of reach here: AppTest checks them page by page."""
    url, browser, store = served
    data = _data_text(store)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    for path, _ in page_urls():
        open_page(page, f"{url}/{path}?as_of=2023-06-30&lang={i18n.PSEUDO}")
        if path == "centers":  # a text box being typed in shows Streamlit's hint under it
            page.locator('[data-testid="stTextInput"] input').first.fill("Ken")
            page.locator('[data-testid="InputInstructions"]').first.wait_for()
        page.wait_for_timeout(500)
        texts = page.evaluate(SEEN)
        assert len(texts) > 20, path
        left = sorted({part for text in texts for part in _not_data(text, data)})
        assert not left, (path, left)
    page.close()


@pytest.mark.parametrize("language", list(i18n.LANGUAGES))
def test_every_page_opens_in_each_language_on_desktop_and_phone_in_its_own_words(served, language):
    """One tab per language, every page reached through the navigation (as a reader moves), each looked at on a
    desktop and at a phone's width: its own title, no error, nothing wider than the screen, the language's
    direction."""
    url, browser, _store = served
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
        # A tile's label is never cut short ("Manifestations d…"): it wraps.
        cut = page.locator('[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"]').evaluate_all(
            "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"
        )
        assert not cut, (language, path, cut)
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
    url, browser, _store = served
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
    # A chart's texts take their direction from their first letter: an Arabic label reads right to left, its code
    # at its end ("... (ARB4)"), an English title left to right.
    assert page.locator(".js-plotly-plot svg text").first.evaluate("e => getComputedStyle(e).unicodeBidi") == "plaintext"
    # The date box's calendar reads right to left too: the week starts on the right, the previous month is there.
    page.locator('[data-testid="stSidebar"] [data-testid="stDateInput"] button').first.click()
    calendar = page.locator('[data-testid="stDateInputCalendar"]')
    previous, following = (calendar.locator(f'button[aria-label="{m} month"]').bounding_box() for m in ("Previous", "Next"))
    assert previous["x"] > following["x"]
    page.close()
    # On a phone the sidebar starts folded: nothing of it shows over the page.
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    open_page(phone, f"{url}/?as_of=2023-06-30&lang=ar")
    shown = phone.locator('[data-testid="stSidebar"] *').evaluate_all(
        "els => els.filter(e => e.checkVisibility({visibilityProperty: true}) && e.textContent.trim()"
        " && e.getBoundingClientRect().right > 0 && e.getBoundingClientRect().left < innerWidth).length"
    )
    assert shown == 0
    phone.close()
