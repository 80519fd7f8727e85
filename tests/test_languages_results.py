"""The result pages in other languages: Overview, Regions, Capabilities, and Centers and EoIs speak French, Arabic,
Russian and Chinese in their titles, tiles, charts and tables, with region names from the reference data; in the
pseudo-language none of their own words is left unmarked."""

import json
import re

import pytest
from conftest import PSEUDO_MARKED

from alliance import i18n
from alliance.kpis import definitions

AS_OF = "2023-06-30"


def _figures(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.main.get("plotly_chart")]


def _axis_title(figure: dict, axis: str) -> str:
    title = figure["layout"].get(axis, {}).get("title", {})
    return title.get("text", "") if isinstance(title, dict) else str(title)


def _headers(table) -> list[str]:
    """A data grid's headers as shown: its column configuration's labels, else its columns' names."""
    config = json.loads(table.proto.columns or "{}")
    columns = list(table.proto.column_order) or [str(column) for column in table.value.columns]
    return [config.get(column, {}).get("label") or column for column in columns]


def _markdown(at) -> list[str]:
    return [m.value for m in at.main.markdown]


def _captions(at) -> str:
    return " ".join(c.value for c in at.main.caption)


def test_overview_speaks_french(app):
    at = app("overview", lang="fr", as_of=AS_OF, region="AFR")
    assert not at.exception
    assert at.title[0].value == "Vue d’ensemble"
    assert at.main.markdown[0].value.startswith("Où en est l’Alliance sur ses chiffres clés")
    # The verdict, its milestones agreeing with their count, the date as French writes it.
    assert at.warning[0].value.startswith("**À risque** : 1 jalon sur 4 en retard au 30 juin 2023 (toute l’Alliance)")
    # The tiles' caption names the region in French; a milestone tile says it counts the whole Alliance.
    captions = _captions(at)
    assert "Comptés pour Afrique, sauf les vignettes marquées « toute l’Alliance »" in captions
    assert "Sous chaque chiffre : la variation depuis " in captions
    assert "Toute l’Alliance : les jalons appartiennent à l’ensemble de l’Alliance, non à une région." in captions
    assert (
        "##### Manifestations d’intérêt reçues, Afrique, sur la période du 25 janvier 2023 au 30 juin 2023 "
        "(total cumulé depuis la première manifestation d’intérêt)"
    ) in _markdown(at)
    assert "Tableau derrière ce graphique" in [e.label for e in at.main.get("expander")]


def test_overview_speaks_russian(app):
    at = app("overview", lang="ru", as_of=AS_OF)
    assert not at.exception
    assert at.warning[0].value.startswith("**Под угрозой**: 1 контрольная точка из 4 просрочена по состоянию на 30 июня 2023")
    assert "Наведите курсор на (?), чтобы увидеть определение." in _captions(at)


def test_regions_speak_french(app):
    at = app("regions", lang="fr", as_of=AS_OF, country="KEN")
    assert not at.exception
    assert at.title[0].value == "Régions"
    markdown = _markdown(at)
    assert "##### Manifestations d’intérêt par pays, toutes les régions, sur la période du 25 janvier 2023 au 30 juin 2023" in (
        markdown
    )
    assert at.segmented_control(key="map").label == "Afficher sur la carte"
    assert at.segmented_control(key="map").options == ["Manifestations d’intérêt", "Centres"]
    # The map's hover names the country and its region in French; its colour bar says what it counts.
    world = _figures(at)[0]
    assert "Afrique" in json.dumps(world["data"][0]["customdata"], ensure_ascii=False)
    assert world["data"][0]["colorbar"]["title"]["text"] == "Manifestations d’intérêt"
    # The country's profile: its name and region, its tabs, and its tables' headers.
    assert "**Kenya, Afrique**" in markdown
    assert [t.label for t in at.main.get("tab")] == [
        "Manifestations d’intérêt (2)",
        "Centres (1)",
        "Événements (0)",
        "Activités (1)",
    ]
    headers = [_headers(table) for table in at.main.dataframe]
    assert ["Manifestation d’intérêt", "Reçue", "Organisation", "Type d’organisation"] == headers[0][:4]
    # The six regions side by side: the header in French, the rows by their French names.
    region_table = next(h for h in headers if h[0] == "Région")
    assert region_table[0] == "Région"
    assert "Afrique" in at.main.dataframe[-1].value["region_name"].tolist()
    assert any(m.startswith("##### ") and " par région, toutes les régions, sur la période du " in m for m in markdown)
    bars = _figures(at)[-1]
    assert "Afrique" in bars["data"][0]["y"]


def test_regions_speak_arabic(app):
    at = app("regions", lang="ar", as_of=AS_OF)
    assert not at.exception
    assert "##### ملف البلد" in _markdown(at)
    assert at.selectbox(key="country").label == "البلد"
    assert _headers(at.main.dataframe[-1])[0] == "المنطقة"
    assert "إفريقيا" in _figures(at)[-1]["data"][0]["y"]


def test_capabilities_speak_french(app):
    at = app("capabilities", lang="fr", as_of=AS_OF)
    assert not at.exception
    assert at.title[0].value == "Capacités"
    assert [s.value for s in at.subheader] == ["Par région"]
    assert (
        "##### Demande et offre par capacité stratégique, toutes les régions : manifestations d’intérêt sur la période "
        "du 25 janvier 2023 au 30 juin 2023, centres au 30 juin 2023"
    ) in _markdown(at)
    bars, heatmap = _figures(at)
    assert [t["name"] for t in bars["data"]] == [
        "Demande (manifestations d’intérêt)",
        "Offre (centres)",
        "Écart (demande moins offre)",
    ]
    assert _axis_title(bars, "xaxis") == "manifestations d’intérêt ou centres"
    assert "Afrique" in heatmap["data"][0]["y"]
    assert list(at.table[0].value.columns) == ["Capacité", "Demande", "Offre", "Écart"]
    assert at.radio(key="measure").label == "Afficher"
    assert at.radio(key="measure").options == ["Demande", "Offre", "Écart"]


def test_capabilities_speak_chinese(app):
    at = app("capabilities", lang="zh", as_of=AS_OF)
    assert not at.exception
    bars = _figures(at)[0]
    assert bars["data"][0]["name"] == "需求（意向书）"
    assert _axis_title(bars, "xaxis") == "意向书或中心"
    assert list(at.table[0].value.columns) == ["能力", "需求", "供给", "差距"]


def test_centers_speak_french(app):
    at = app("centers", lang="fr", as_of=AS_OF)
    assert not at.exception
    assert at.title[0].value == "Centres et manifestations d’intérêt"
    assert "##### Centres par portée et statut, toutes les régions, au 30 juin 2023" in _markdown(at)
    pipeline, by_type, scope_status = _figures(at)
    assert [t["name"] for t in pipeline["data"]] == ["En cours de traitement", "Sorties du processus"]
    assert pipeline["data"][0]["y"] == ["Reçue", "En cours d’examen", "Validée", "Intégrée"]
    assert _axis_title(pipeline, "xaxis") == "Manifestations d’intérêt à ce statut"
    assert _axis_title(by_type, "xaxis") == "Centres"
    launched = next(t for t in scope_status["data"] if t["name"] == "Lancé")
    assert launched["x"] == ["Mondial", "Régional", "National"]
    directory = at.main.dataframe[-1]
    assert list(directory.value.columns)[:3] == ["Nature", "ID", "Organisation ou centre"]
    assert "Afrique" in directory.value["Région"].tolist()


def test_the_directory_names_requests_center_types_and_statuses_in_french(app):
    """The directory's labels are built from the register's codes in the language spoken, not left in English."""
    at = app("centers", lang="fr", as_of=AS_OF)
    rows = at.main.dataframe[-1].value.set_index("ID")
    e2 = rows.loc["E2"]
    assert e2["Nature"] == "Manifestation d’intérêt"
    assert e2["Demande ou type de centre"] == "Renforcer un centre (Centre d'excellence pour la recherche et l'entrepreneuriat)"
    assert e2["Statut"] == "en cours d’examen"
    centers = rows[rows["Nature"] == i18n_fr("Center")]
    assert len(centers) and all(", " in kind and "Center" not in kind for kind in centers["Demande ou type de centre"])


def i18n_fr(message: str) -> str:
    with i18n.speaking("fr"):
        return i18n._(message)


def test_centers_speak_russian(app):
    at = app("centers", lang="ru", as_of=AS_OF)
    assert not at.exception
    assert _axis_title(_figures(at)[0], "xaxis") == "Заявки о заинтересованности в этом статусе"
    assert "Регион" in at.main.dataframe[-1].value.columns
    assert at.text_input(key="q").label == "Поиск заявок о заинтересованности и центров"


# --- The pseudo-language: every word of these pages comes through a catalogue ------------------------------------

_PLOTLY = re.compile(r"%\{[^}]*\}|</?(?:b|br|extra)>|:material/\w+:")
_WORD = re.compile(r"[A-Za-z]{3,}")
# Words the pages show from elsewhere, as they are for now: the KPI names and definitions of data/kpis.csv (another
# step translates data files), and the tiles' notes alliance/kpis.py writes with them (what the stated sums count,
# the resources' and undated records' notes).
_KPI_TEXTS = sorted(
    {text for kpi in definitions().values() for text in (kpi["name"], kpi["short_name"], kpi["definition"])},
    key=len,
    reverse=True,
)
_KPI_NOTES = re.compile(
    r"No (?:event|resource) in this period: nothing to count|Alliance-wide resources \(.*?\) are in no region's figure"
    r"|\d+ of [\d,]+ resources? states? an amount|[\d,]+ (?:events?|resources?) with no date stated.*?in no period"
)
_KPI_WORDS = {"participants", "attendance", "people", "trained", "certified", "them"}


def _unmarked_words(text: str) -> list[str]:
    """The English words of 3+ letters outside every ⟦...⟧ (innermost first: messages nest)."""
    text = _KPI_NOTES.sub(" ", text.replace("\\", ""))  # the notes as typed: plain() escapes their punctuation
    for kpi in _KPI_TEXTS:
        text = text.replace(kpi, " ")
    text = _PLOTLY.sub(" ", text)
    previous = None
    while previous != text:
        previous, text = text, PSEUDO_MARKED.sub(" ", text)
    return [word for word in _WORD.findall(text) if word.lower() not in _KPI_WORDS]


def _page_texts(at) -> list[str]:
    """What the page's main column shows in words: texts, widget labels and options, tabs, expanders, headers,
    metrics' labels, and the charts' titles, axis titles, trace names and hover templates."""
    main = at.main
    texts = [
        e.value
        for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success")
        for e in main.get(kind)
    ]
    for kind in ("selectbox", "radio", "segmented_control", "text_input", "button", "toggle", "checkbox"):
        for widget in main.get(kind):
            texts += [widget.label, widget.help or "", getattr(widget.proto, "placeholder", "")]
            if kind in ("radio", "segmented_control"):
                texts += widget.options
    texts += [metric.label for metric in main.get("metric")]
    texts += [tab.label for tab in main.get("tab")] + [box.label for box in main.get("expander")]
    for table in main.dataframe:
        texts += _headers(table)
    for table in main.get("table"):
        texts += [str(column) for column in table.value.columns]
    for figure in _figures(at):
        texts += [_axis_title(figure, "xaxis"), _axis_title(figure, "yaxis")]
        for trace in figure["data"]:
            texts += [str(trace.get("name", "")), str(trace.get("hovertemplate", ""))]
            texts.append(str(trace.get("colorbar", {}).get("title", {}).get("text", "")))
    return [text for text in texts if text]


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("overview", {"region": "AFR"}),
        ("regions", {"country": "KEN"}),
        ("capabilities", {}),
        ("centers", {}),
        ("centers", {"q": "no such center"}),
    ],
)
def test_pseudo_language_leaves_no_text_of_the_result_pages_unmarked(app, page, query):
    at = app(page, lang="qps", as_of=AS_OF, **query)
    assert not at.exception
    texts = _page_texts(at)
    assert len(texts) > 10
    assert [(text, _unmarked_words(text)) for text in texts if _unmarked_words(text)] == []
