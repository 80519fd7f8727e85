"""The page frame in the six languages: the sidebar's filters and Figures box, the provenance line, the edition
banner, the notices about a link, and the pages shown instead of the dashboard (no edition yet, a configuration
error). A region chosen or named in a link is kept whatever the language."""

import re

import pytest
from conftest import PSEUDO_MARKED
from streamlit.testing.v1 import AppTest

from alliance import editions, i18n
from components.escape import plain

AS_OF = "2023-06-30"
LINK_OFF = ":material/link_off:"


def _provenance(at) -> str:
    """The provenance line: the first caption under the page's title."""
    return at.main.caption[0].value


def _link_notices(at) -> list[str]:
    return [w.value for w in at.sidebar.warning if w.proto.icon == LINK_OFF]


def test_overview_frame_speaks_french(app):
    at = app("overview", lang="fr", as_of=AS_OF, region="AFR")
    assert not at.exception
    assert [m.value for m in at.sidebar.markdown] == ["**Filtres**"]
    assert [d.label for d in at.sidebar.date_input] == ["Date de référence", "Début de la période"]
    region = at.selectbox(key="region")
    assert region.label == "Région" and region.value == "AFR"
    assert region.options[:2] == ["Toutes les régions", "Afrique"]
    capability = at.selectbox(key="capability")
    assert capability.label == "Capacité stratégique" and capability.options[0] == "Toutes les capacités"
    assert "Innovation technologique ouverte" in capability.options
    figures = at.selectbox(key="edition")
    assert figures.label == "Chiffres" and figures.options == ["Données en direct"]
    assert _provenance(at).startswith(
        "Affichage : Afrique, sur la période du 25 janvier 2023 au 30 juin 2023 (centres et jalons au 30 juin 2023). "
        "Données modifiées pour la dernière fois le "
    )


def test_overview_frame_speaks_arabic(app):
    at = app("overview", lang="ar", as_of=AS_OF)
    assert not at.exception
    assert [m.value for m in at.sidebar.markdown] == ["**عوامل التصفية**"]
    assert [d.label for d in at.sidebar.date_input] == ["تاريخ الإسناد", "بداية الفترة"]
    assert at.selectbox(key="region").label == "المنطقة"
    assert at.selectbox(key="region").options[:2] == ["جميع المناطق", "إفريقيا"]
    assert _provenance(at).startswith("المعروض: جميع المناطق، في الفترة من ")
    assert "(المراكز والمعالم كما في " in _provenance(at)


# The pseudo-language marks every message ⟦...⟧; what is left outside the marks must be data, not English.
_ICON = re.compile(r":material/\w+:")
_WORD = re.compile(r"[A-Za-z]{3,}")
# Values from the link or the store that a frame shows as they are (the unknown region a test's link names).
_DATA = {"Atlantis"}


def _unmarked_words(text: str) -> list[str]:
    """The English words of 3+ letters outside every ⟦...⟧ (innermost first: messages nest), data values aside."""
    previous = None
    while previous != text:
        previous, text = text, PSEUDO_MARKED.sub(" ", text)
    return [word for word in _WORD.findall(_ICON.sub(" ", text)) if word not in _DATA]


def _sidebar_texts(at) -> list[str]:
    """Every text of the sidebar a reader sees, but the Language box's options (each language in its own name)."""
    texts = [e.value for kind in ("markdown", "caption", "warning", "info", "error") for e in at.sidebar.get(kind)]
    for box in [*at.sidebar.selectbox, *at.sidebar.date_input, *at.sidebar.button]:
        texts += [box.label, box.help or ""]
        if box.type == "selectbox" and box.key != "lang":
            texts += box.options
    return texts


def test_pseudo_language_leaves_no_sidebar_or_provenance_text_unmarked(app):
    # A link with values that are not valid: the notices about them are in the sidebar too.
    at = app("overview", lang="qps", as_of="30/06/2023", region="Atlantis", capability="XYZ")
    assert not at.exception
    assert len(_link_notices(at)) == 3
    texts = [*_sidebar_texts(at), _provenance(at)]
    assert [(text, _unmarked_words(text)) for text in texts if _unmarked_words(text)] == []


def test_pseudo_language_marks_the_read_only_notice_and_the_period_warning(app, monkeypatch):
    monkeypatch.setenv("ALLIANCE_READ_ONLY", "1")
    at = app("overview", lang="qps", as_of=AS_OF, **{"from": "2023-12-01"})
    assert not at.exception
    assert len(_link_notices(at)) == 1  # the period start after the as-of date
    texts = _sidebar_texts(at)
    assert any("⟦Réåd-öñlý: " in text for text in texts)
    assert [(text, _unmarked_words(text)) for text in texts if _unmarked_words(text)] == []


def _provenance_script(language: str, demo_rows: int, identities: bool) -> None:
    from datetime import datetime

    from alliance import i18n
    from components.provenance import render_provenance

    i18n.use(language)
    load = {
        "loaded_at": datetime(2023, 6, 30, 9, 15),
        "kind": "load",
        "load_id": 3,
        "file_name": "register.xlsx",
        "loaded_by": "ana",
    }
    render_provenance(load, "all regions", demo_rows, identities=identities)
    render_provenance(None, None, 0)


def _provenance_app(language: str, demo_rows: int, identities: bool = True) -> AppTest:
    return AppTest.from_function(_provenance_script, args=(language, demo_rows, identities)).run()


def test_pseudo_language_marks_every_provenance_text():
    for identities in (True, False):
        at = _provenance_app(i18n.PSEUDO, 2, identities)
        assert not at.exception
        texts = [c.value for c in at.caption] + [w.value for w in at.warning]
        assert len(texts) == 3
        assert [(text, _unmarked_words(text)) for text in texts if _unmarked_words(text)] == []


@pytest.mark.parametrize(
    ("language", "rows", "words"),
    [
        ("fr", 1, "1 ligne de démonstration"),
        ("fr", 2, "2 lignes de démonstration"),
        ("ru", 2, "2 демонстрационные строки"),
        ("ru", 5, "5 демонстрационных строк"),
        ("es", 3, "3 filas de demostración"),
    ],
)
def test_the_demo_banner_agrees_with_its_count(language, rows, words):
    at = _provenance_app(language, rows)
    assert not at.exception
    assert words in at.warning[0].value
    assert [c.value for c in at.caption][1] == {
        "fr": "Aucune donnée n’a encore été chargée.",
        "ru": "Данные еще не загружены.",
        "es": "Aún no se han cargado datos.",
    }[language]


def test_a_region_chosen_is_kept_when_the_language_changes(app):
    at = app("overview", as_of=AS_OF, region="AFR", capability="OTI")
    assert at.selectbox(key="region").value == "AFR"
    for language, region, capability in (
        ("fr", "Afrique", "Innovation technologique ouverte"),
        ("ar", "إفريقيا", "الابتكار التكنولوجي المفتوح"),
        ("en", "Africa", "Open technology innovation"),
    ):
        at = at.selectbox(key="lang").set_value(language).run()
        assert not at.exception
        assert at.selectbox(key="region").value == "AFR"
        assert at.selectbox(key="capability").value == "OTI"
        # The link gives the box's label in the language now spoken, which a copy of it opens.
        assert at.query_params["region"] == region
        assert at.query_params["capability"] == capability
        assert region in _provenance(at) and capability in _provenance(at)
    # A region chosen in French stays chosen in Russian.
    at = at.selectbox(key="lang").set_value("fr").run()
    at = at.selectbox(key="region").set_value("EUR").run()
    at = at.selectbox(key="lang").set_value("ru").run()
    assert at.selectbox(key="region").value == "EUR"
    assert "Европа" in _provenance(at)


@pytest.mark.parametrize("language", sorted(i18n.LANGUAGES))
@pytest.mark.parametrize("named", ["AFR", "Africa", "Afrique", "إفريقيا"])
def test_a_region_link_opens_in_every_language(app, language, named):
    """A link names a region by its code, or by its name in the language it was copied in."""
    at = app("overview", lang=language, as_of=AS_OF, region=named)
    assert not at.exception
    assert at.selectbox(key="region").value == "AFR"
    assert not _link_notices(at)


def test_a_region_link_in_french(app):
    at = app("overview", lang="fr", as_of=AS_OF, region="Afrique")
    assert not at.exception
    assert at.selectbox(key="region").value == "AFR"
    assert _provenance(at).startswith("Affichage : Afrique, ")
    at = app("overview", lang="fr", as_of=AS_OF, region="Atlantis", **{"from": "pas-une-date"})
    assert at.selectbox(key="region").value == "all"
    assert _link_notices(at) == [
        f"Le début de la période « {plain('pas-une-date')} » du lien n’est pas une date ; la valeur par défaut est affichée.",
        "La région « Atlantis » du lien est inconnue ; toutes les régions sont affichées.",
    ]


@pytest.fixture
def published(store):
    """The hand-counted store with edition TDAG-23 (25 Jan to 30 June 2023), approved by boss."""
    from datetime import date

    editions.publish(store, "TDAG-23", date(2023, 6, 30), date(2023, 1, 25), user="ana")
    editions.approve(store, "TDAG-23", user="boss")
    return store


def test_the_edition_banner_and_figures_box_speak_french(published, app):
    at = app("overview", lang="fr", edition="TDAG-23")
    assert not at.exception
    assert at.selectbox(key="edition").options == ["Données en direct", "TDAG-23"]
    assert at.sidebar.caption[0].value.startswith("Édition TDAG\\-23 (approuvée) : sur la période du 25 janvier 2023")
    banner = at.info[0].value
    assert banner.startswith("**Édition TDAG\\-23**, approuvée par boss le ")
    assert "Chiffres sur la période du 25 janvier 2023 au 30 juin 2023, figés tels qu’approuvés" in banner
    assert banner.endswith("Les données n’ont pas changé depuis sa préparation.")
    at = app("overview", lang="fr", edition="TDAG-99")
    assert "L’édition « TDAG\\-99 » du lien n’existe pas ici ; les données en direct sont affichées." in [
        w.value for w in at.warning
    ]


def test_compare_with_a_date_is_kept_when_the_language_changes(published, app):
    at = app("overview", as_of=AS_OF)
    box = at.selectbox(key="compare_with")
    assert box.options == ["TDAG-23", "A date"]
    at = box.set_value("A date").run()
    at = at.selectbox(key="lang").set_value("es").run()
    assert not at.exception
    box = at.selectbox(key="compare_with")
    assert box.label == "Comparar con" and box.options == ["TDAG-23", "Una fecha"] and box.value == "A date"
    assert at.date_input(key="compare").label == "Fecha"


def test_no_edition_page_speaks_french(store, app, monkeypatch):
    monkeypatch.setenv("ALLIANCE_PUBLISHED_ONLY", "1")
    at = app("overview", lang="fr")
    assert not at.exception
    assert [t.value for t in at.title] == ["Tableau de bord de l’Alliance"]
    assert at.info[0].value.startswith("Aucune édition des chiffres de l’Alliance n’a encore été approuvée.")


def test_configuration_error_page_speaks_french_and_its_problems_stay_english(app, monkeypatch):
    monkeypatch.setenv("ALLIANCE_ROLE", "viewers")
    at = app("overview", lang="fr")
    assert not at.exception
    assert [t.value for t in at.title] == ["Erreur de configuration"]
    assert at.markdown[0].value.startswith("La configuration d’accès du tableau de bord n’est pas cohérente")
    assert at.error[0].value.startswith(plain("ALLIANCE_ROLE is 'viewers', which is not a role"))  # as the log says it
