"""The Events and About pages in the six languages: titles, headings, charts, tables and labels translated; data
(event titles, organisations, sources, document titles) and ITU's words quoted verbatim left as they are."""

import json
import re

from conftest import ENGLISH_WORD, NOT_WORDS, PSEUDO_MARKED, chart_texts, markdown_tables

from alliance import i18n
from alliance.schema import CHOICES
from components.about import MISSION
from components.events import CHOICE_LABELS

AS_OF = "2023-06-30"


def _markdown(at) -> str:
    return " ".join(m.value for m in at.markdown)


def _chart(at, key: str) -> dict:
    [found] = [c for c in at.get("plotly_chart") if c.proto.id.endswith(f"chart_{key}")]
    return json.loads(found.proto.spec)


def _grid(at, first_column: str):
    [found] = [d.value for d in [*at.dataframe, *at.table] if d.value.columns[0] == first_column]
    return found


def test_every_event_type_and_format_label_is_marked_for_the_catalogues():
    labels = {*CHOICES["event_type"].values(), *CHOICES["format"].values()}
    assert labels <= set(CHOICE_LABELS)


def test_events_page_speaks_french(app):
    at = app("events", lang="fr", as_of=AS_OF)
    assert not at.exception
    assert [t.value for t in at.title] == ["Événements et initiatives régionales"]
    assert [s.value for s in at.subheader] == ["Événements", "Activités des initiatives régionales", "Actions par région"]
    headings = _markdown(at)
    assert "##### Participants par région et mois de début des événements, " in headings
    assert "##### Activités par initiative régionale et ligne de produits, " in headings
    assert "##### Actions par région et ligne de produits, " in headings
    events = _grid(at, "Titre")
    assert list(events.columns) == ["Titre", "Dates", "Type", "Format", "Pays", "Région", "Participants"]
    # Titles are data, as the register gives them; the type and format are labels, translated.
    assert list(events["Titre"]) == ["Workshop", "Webinar", "Forum"]
    assert list(events["Type"]) == ["Atelier", "Webinaire", "Forum"]
    assert list(events["Format"]) == ["En présentiel", "Virtuel", "En présentiel"]
    actions = _grid(at, "Régions")
    assert list(actions.columns)[1:3] == ["Produits de partage des connaissances", "Produits de renforcement des capacités"]
    assert "Afrique" in set(actions["Régions"])
    activities = _chart(at, "activities_by_initiative")
    assert {t["name"] for t in activities["data"]} == {
        "Partage des connaissances",
        "Renforcement des capacités",
        "Évaluation de l'innovation",
    }
    assert activities["layout"]["xaxis"]["title"]["text"] == "Activités"
    assert "Initiative régionale Europe (EUR5)" in json.dumps(activities, ensure_ascii=False)
    assert at.radio(key="activity_status").options[0] == "Tous les statuts"


def test_events_page_speaks_russian(app):
    at = app("events", lang="ru", as_of=AS_OF)
    assert not at.exception
    assert [t.value for t in at.title] == ["Мероприятия и региональные инициативы"]
    assert at.subheader[0].value == "Мероприятия"
    assert "##### Участники по регионам и месяцам начала мероприятий, " in _markdown(at)
    events = _grid(at, "Название")
    assert list(events["Тип"]) == ["Семинар-практикум", "Вебинар", "Форум"]
    assert _grid(at, "Регионы").columns[1] == "Продукты по обмену знаниями"
    assert _chart(at, "events_by_month")["layout"]["yaxis"]["title"]["text"] == "Участники"


def test_about_page_speaks_french(app):
    at = app("about", lang="fr")
    assert not at.exception
    assert [t.value for t in at.title] == ["À propos"]
    assert [s.value for s in at.subheader] == [
        "L'Alliance",
        "Définition de chaque ICP",
        "Cadre de résultats",
        "Initiatives régionales",
        "D'où viennent les données",
    ]
    text = _markdown(at)
    assert "**25 janvier 2023**" in text
    assert "L'Alliance accélère **5 capacités stratégiques** :" in text
    # ITU's own words are quoted as published, in English, and the page says so.
    assert MISSION in text and "(citation en anglais)" in text
    assert "Innovation technologique ouverte" in text
    # A capability's description, from data/names.csv (escaped for Markdown, as every value is).
    assert "Permettre aux pays d'anticiper" in text.replace("\\", "")
    tables = markdown_tables(at)
    types = next(t for t in tables if "type de centre" in t.columns)
    assert list(types.columns) == ["code", "type de centre", "propriété", "champ d'action", "ressources"]
    assert "Centre d'accélération technologique" in set(types["type de centre"])
    alliance = next(t for t in tables if "titre vérifié" in t.columns)
    assert set(alliance["titre vérifié"]) == {"oui", "non"}
    sources = next(t for t in tables if "contenu" in t.columns)
    assert "Régions de l'UIT-D" in set(sources["table"])
    # A document keeps its English title.
    assert any("TDAG report on the Innovation and Entrepreneurship Alliance" in s for s in sources["source"])
    assert at.toggle(key="about_every_initiative").label.startswith("Toutes les initiatives régionales, ")
    assert [e.label for e in at.expander] == ["Résolution 90 (Kigali, 2022) : les 7 points dont le Directeur du BDT est chargé"]


def test_about_page_speaks_russian(app):
    at = app("about", lang="ru")
    assert not at.exception
    assert [t.value for t in at.title] == ["О дашборде"]
    assert at.subheader[0].value == "Альянс"
    text = _markdown(at)
    assert "Альянс ускоряет развитие **5 стратегических возможностей**:" in text
    assert "Он действует через **3 основных механизма**:" in text
    assert "(цитата на английском языке)" in text
    assert "тип центра" in next(t for t in markdown_tables(at) if "код" in t.columns).columns


_ICON = re.compile(r":material/\w+:")
# What the hand-counted store holds and pages show as written: event titles, organisations, sources; and the
# brochure's mission, quoted in English in every language.
_DATA = {"Forum", "Webinar", "Workshop", "Training", "Geneva", "Delhi", "New", "Nairobi", "tester"}


def _unmarked_words(text: str) -> list[str]:
    """The English words of 3+ letters outside every ⟦...⟧ (innermost first: messages nest), data values aside."""
    text = text.replace(MISSION, " ").replace("ITU-D Innovation, *Our Mission*", " ")
    previous = None
    while previous != text:
        previous, text = text, PSEUDO_MARKED.sub(" ", text)
    return [word for word in ENGLISH_WORD.findall(NOT_WORDS.sub(" ", _ICON.sub(" ", text))) if word not in _DATA]


def _is_table(markdown: str) -> bool:
    lines = markdown.splitlines()
    return len(lines) > 1 and lines[0].startswith("| ") and lines[1].startswith("| ---")


def _main_texts(at, store_path: str = "") -> list[str]:
    """Every text of the page's main area a reader sees; tables by their headers (their cells are data)."""
    texts = [t.value for kind in ("title", "header", "subheader", "caption") for t in at.main.get(kind)]
    texts += [e.value for kind in ("info", "warning", "error", "success") for e in at.main.get(kind)]
    texts += [m.value for m in at.main.markdown if not _is_table(m.value)]
    texts += [" ".join(map(str, table.columns)) for table in markdown_tables(at)]
    texts += [t.value for t in at.main.text if store_path not in t.value or not store_path]
    for widget in [*at.main.radio, *at.main.toggle, *at.main.button, *at.main.get("download_button"), *at.main.expander]:
        texts += [widget.label, getattr(widget, "help", None) or ""]
    for radio in at.main.radio:
        texts += list(radio.options)
    for grid in [*at.main.dataframe, *at.main.table]:
        texts += [str(column) for column in grid.value.columns]
    for chart in at.get("plotly_chart"):
        texts += chart_texts(json.loads(chart.proto.spec))
    return [text for text in texts if text]


def test_pseudo_language_leaves_no_events_text_unmarked(app):
    at = app("events", lang="qps", as_of=AS_OF)
    assert not at.exception
    # The tables behind the charts opened, another measure and a status chosen.
    at.session_state["table_events_by_month"] = True
    at.session_state["table_activities_by_initiative"] = True
    at.radio(key="events_measure").set_value("trained_certified")
    at.radio(key="activity_status").set_value("completed")
    # AppTest reads a radio's options with its format_func in this thread: in the language the page speaks.
    with i18n.speaking(i18n.PSEUDO):
        at = at.run()
    assert not at.exception
    texts = _main_texts(at)
    assert any(text.startswith("⟦") for text in texts) and len(texts) > 30
    assert [(text, _unmarked_words(text)) for text in texts if _unmarked_words(text)] == []
    for query in (
        # No events in Africa by 30 June 2023: the empty states, and the note that only one region is counted.
        {"region": "AFR"},
        # May 2023 holds one event, which records neither participants nor people trained: the caption says so.
        {"from": "2023-05-01", "as_of": "2023-05-31"},
    ):
        at = app("events", lang="qps", **{"as_of": AS_OF, **query})
        assert not at.exception
        texts = _main_texts(at)
        assert [(text, _unmarked_words(text)) for text in texts if _unmarked_words(text)] == []


def test_pseudo_language_leaves_no_about_text_unmarked(app, store):
    at = app("about", lang="qps")
    assert not at.exception
    at = at.toggle(key="about_every_initiative").set_value(True).run()
    assert not at.exception
    texts = _main_texts(at, str(store.path))
    assert any(MISSION in text for text in texts)
    assert [(text, _unmarked_words(text)) for text in texts if _unmarked_words(text)] == []
