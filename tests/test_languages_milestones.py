"""The Milestones and outcomes page in the six languages: title, headings, statuses, tables and the time line
translated; outcome, priority and milestone titles and the Resolution 90 items (reference data) left as written."""

import json
import re

from conftest import ENGLISH_WORD, NOT_WORDS, PSEUDO_MARKED, chart_texts

from alliance import i18n
from alliance.ingest.load import load_file
from alliance.queries import frame

AS_OF = "2023-06-30"
TARGETS = (
    "kpi,period_end,region,target,kap_outcome\n"
    "activities_total,2023-12-31,,2,DT1\nactivities_total,2023-12-31,,2,DT2\nactivities_completed,2023-12-31,,2.6,DT1\n"
)


def _markdown(at) -> str:
    return " ".join(m.value for m in at.markdown)


def _chart(at, key: str) -> dict:
    [found] = [c for c in at.get("plotly_chart") if c.proto.id.endswith(f"chart_{key}")]
    return json.loads(found.proto.spec)


def _badges(at) -> list[str]:
    return [m.value.split(": ", 1)[1].rstrip("]") for m in at.markdown if "-badge[" in m.value]


def _milestones(at, first_column: str):
    [found] = [d.value for d in at.dataframe if d.value.columns[0] == first_column and len(d.value.columns) == 6]
    return found


def _with_targets(store, tmp_path) -> None:
    path = tmp_path / "targets.csv"
    path.write_text(TARGETS)
    load_file(store, path, user="tester")


def test_milestones_page_speaks_french(app, store, tmp_path):
    _with_targets(store, tmp_path)
    at = app("milestones", lang="fr", as_of=AS_OF)
    assert not at.exception
    assert [t.value for t in at.title] == ["Jalons et résultats"]
    assert [s.value for s in at.subheader] == ["Jalons"]
    headings = _markdown(at)
    assert "##### Tableau de bord par résultat, Plan d'action de Kigali (CMDT-22, 2023-2025) : en cours, " in headings
    assert "##### Jalons par échéance : atteints, à échéance, en retard ou en cours, au 30 juin 2023" in headings
    assert at.selectbox(key="cycle").label == "Cycle du plan"
    assert [e.label for e in at.expander][0] == "Comment le statut est déterminé"
    # Statuses in words; the outcome and priority titles are reference data, as written.
    assert _badges(at) == ["à risque", "à risque", "sans cible"]
    assert "**DT1** · CMDT\\-22 · priorité P2 : Digital transformation" in headings
    assert [m.label for m in at.metric[:6]] == ["Activités", "Achevées", "Bénéficiaires", "Jalons", "Atteints", "En retard"]
    timeline = _chart(at, "milestone_timeline")
    assert {t["name"] for t in timeline["data"]} == {"atteint", "à échéance", "en retard"}
    assert timeline["layout"]["xaxis"]["title"]["text"].startswith("Échéance")
    assert [a["text"] for a in timeline["layout"]["annotations"]] == ["Au 30 juin 2023"]
    progress = _chart(at, "outcome_progress")
    assert {t["name"] for t in progress["data"]} == {"en bonne voie", "à risque", "attendu à ce jour"}
    assert progress["layout"]["xaxis"]["title"]["text"] == "Part de la cible atteinte"
    milestones = _milestones(at, "Jalon")
    assert list(milestones.columns) == ["Jalon", "Titre", "Résultat du PAK", "Échéance", "Achevées", "Statut"]
    assert dict(zip(milestones["Jalon"], milestones["Statut"])) == {
        "M1": "atteint",
        "M2": "à échéance",
        "M3": "en retard",
        "M4": "à échéance",
    }


def test_milestones_page_speaks_russian(app):
    at = app("milestones", lang="ru", as_of=AS_OF)
    assert not at.exception
    assert [t.value for t in at.title] == ["Контрольные точки и итоги"]
    assert [s.value for s in at.subheader] == ["Контрольные точки"]
    assert "##### Оценочная карта по результатам, Кигалийский план действий (ВКРЭ-22, 2023–2025 гг.): текущий, " in _markdown(at)
    assert _badges(at) == ["без целевого показателя", "под угрозой", "без целевого показателя"]
    timeline = _chart(at, "milestone_timeline")
    assert {t["name"] for t in timeline["data"]} == {"выполнена", "срок не истек", "просрочена"}
    assert timeline["layout"]["xaxis"]["title"]["text"].startswith("Срок")
    assert dict(zip(*_milestones(at, "Контрольная точка").iloc[:, [0, 5]].T.values))["M3"] == "просрочена"


def test_a_link_copied_in_french_opens_the_cycle_in_english(app):
    at = app("milestones", as_of="2026-06-30", cycle="Plan d'action de Buenos Aires (CMDT-17, 2018-2022)")
    assert not at.exception
    assert at.selectbox(key="cycle").value == "WTDC-17"
    assert not at.warning
    assert at.query_params["cycle"] == "Buenos Aires Action Plan (WTDC-17, 2018-2022)"


_MARKUP = re.compile(r":material/\w+:|:\w+-badge\[")


def _data(store) -> list[str]:
    """What the hand-counted store holds and the page shows as written: outcome, priority and milestone titles and the
    Resolution 90 items; longest first, so that none is removed in part."""
    con = store.connect()
    scored = frame(con, "outcome_scorecard", cycle="WTDC-22", as_of=AS_OF, region=None)
    res90 = frame(con, "outcome_res90")
    milestones = frame(con, "milestones_status", as_of=AS_OF, limit=150)
    found = {
        *scored["outcome_title"],
        *scored["priority_title"],
        *(f"{n}. {t}" for n, t in zip(res90["res90_number"], res90["res90_text"])),
        *milestones["title"],
    }
    return sorted((str(v) for v in found if isinstance(v, str) and v), key=len, reverse=True)


def _unmarked_words(text: str, data: list[str]) -> list[str]:
    """The English words of 3+ letters outside every ⟦...⟧ (innermost first: messages nest), data values aside."""
    for value in data:
        text = text.replace(value, " ")
    previous = None
    while previous != text:
        previous, text = text, PSEUDO_MARKED.sub(" ", text)
    return ENGLISH_WORD.findall(NOT_WORDS.sub(" ", _MARKUP.sub(" ", text)))


def _main_texts(at) -> list[str]:
    """Every text of the page's main area a reader sees; tables by their headers and status cells."""
    texts = [t.value for kind in ("title", "header", "subheader", "caption", "text") for t in at.main.get(kind)]
    texts += [e.value for kind in ("info", "warning", "error", "success") for e in at.main.get(kind)]
    texts += [m.value for m in at.main.markdown]
    for widget in [*at.main.selectbox, *at.main.button, *at.main.get("download_button"), *at.main.expander]:
        texts += [widget.label, getattr(widget, "help", None) or ""]
    for box in at.main.selectbox:
        texts += list(box.options)
    for metric in at.main.metric:
        texts += [metric.label, metric.value, metric.proto.help]
    for grid in at.main.dataframe:
        texts += [str(column) for column in grid.value.columns]
        for column in grid.value.columns:
            if "tåtûš" in str(column):  # statuses are words of the interface
                texts += [str(value) for value in grid.value[column]]
    for chart in at.get("plotly_chart"):
        texts += chart_texts(json.loads(chart.proto.spec))
    return [text for text in texts if text]


def _open_everything(at):
    at.session_state["table_outcome_scorecard"] = True
    at.session_state["table_milestone_timeline"] = True
    at.session_state["table_outcome_progress"] = True
    # AppTest reads a select box's options with its format_func in this thread: in the language the page speaks.
    with i18n.speaking(i18n.PSEUDO):
        return at.run()


def test_pseudo_language_leaves_no_milestones_text_unmarked(app, store, tmp_path):
    data = _data(store)
    _with_targets(store, tmp_path)
    at = _open_everything(app("milestones", lang="qps", as_of=AS_OF))
    assert not at.exception
    texts = _main_texts(at)
    assert any(text.startswith("⟦") for text in texts) and len(texts) > 60
    assert len(at.get("plotly_chart")) == 2
    assert [(text, _unmarked_words(text, data)) for text in texts if _unmarked_words(text, data)] == []
    for query in (
        # No target for any outcome: the empty state under the scorecard.
        {"as_of": "2023-06-30", "region": "AFR"},
        # The as-of date's cycle (Baku) has no outcomes: the caption that says so, and Baku's empty scorecard.
        {"as_of": "2026-06-30"},
        {"as_of": "2026-06-30", "cycle": "WTDC-25"},
        # A cycle the link names that does not exist: the warning.
        {"as_of": "2026-06-30", "cycle": "WTDC-99"},
    ):
        at = app("milestones", lang="qps", **query)
        assert not at.exception
        texts = _main_texts(at)
        assert [(text, _unmarked_words(text, data)) for text in texts if _unmarked_words(text, data)] == []
