"""The analysts' and editions' pages in the six languages: Upload, History, Publish, TDAG report and Revisions.
Their own words are translated; what comes from the file or the store (sheet and column names of the register,
file names, edition names, who did what) and the upload's problem sentences (written by the checks) are not."""

import re
from datetime import date

import pytest
from conftest import PSEUDO_MARKED
from test_page_upload import GOOD_CSV

from alliance import editions
from alliance.schema import SHEETS

AS_OF = "2023-06-30"
BAD_CSV = GOOD_CSV.replace(b"FRA", b"Atlantis")
MILESTONE_CSV = b"milestone_id,title,kap_outcome,due_on,completed_on,owner\nM1,Launch,DT1,2023-01-25,2023-01-25,BDT\n"


def _upload(at, content: bytes = GOOD_CSV, name: str = "eois.csv"):
    at.file_uploader[0].set_value((name, content, "text/csv"))
    return at.run()


def _texts(elements) -> list[str]:
    return [e.value for e in elements]


def _table(at, first_column: str, holding: str | None = None):
    """The first table on the page whose first column is `first_column` (and that holds column `holding`)."""
    return next(
        d.value for d in at.dataframe if d.value.columns[0] == first_column and (holding or first_column) in d.value.columns
    )


@pytest.fixture
def published(store):
    """The hand-counted store with edition TDAG-23 (25 Jan to 30 June 2023), approved by boss."""
    editions.publish(store, "TDAG-23", date(2023, 6, 30), date(2023, 1, 25), user="ana")
    editions.approve(store, "TDAG-23", user="boss")
    return store


def test_upload_page_speaks_french(app):
    at = app("upload", lang="fr")
    assert not at.exception
    assert _texts(at.title) == ["Téléverser"]
    assert at.main.markdown[0].value.startswith("Chargez le registre tenu dans Excel.")
    assert at.file_uploader[0].label.startswith("Téléversez un registre : un classeur .xlsx")
    assert at.checkbox[0].label == "Remplacer les feuilles de ce fichier (leurs lignes deviennent l’ensemble complet)"
    assert at.download_button[0].label == "Télécharger le modèle de téléversement (.xlsx)"
    # The sheets by the names the register gives them.
    assert any(c.startswith("Tout sous-ensemble des feuilles EoIs, Centers, ") for c in _texts(at.caption))

    at = _upload(at)
    assert not at.exception
    assert _texts(at.success) == ["Prêt : 3 lignes dans 1 feuille. Vérifiez ce que le chargement va modifier, puis chargez-le."]
    assert "##### Ce que ce chargement va modifier" in _texts(at.markdown)
    preview = _table(at, "feuille")
    assert list(preview.columns) == ["feuille", "nouvelles", "mises à jour", "supprimées", "inchangées"]
    assert preview.to_dict("records") == [
        {"feuille": "EoIs", "nouvelles": 1, "mises à jour": 1, "supprimées": 0, "inchangées": 1}
    ]
    changes = _table(at, "ligne", holding="ancienne valeur")
    assert list(changes.columns) == ["ligne", "id", "colonne", "ancienne valeur", "nouvelle valeur"]
    assert at.expander[0].label == "EoIs : 2 lignes seraient modifiées"
    assert at.button(key="commit").label == "Charger 3 lignes dans la base"

    at = at.button(key="commit").click().run()
    assert not at.exception
    assert _texts(at.success) == [
        "eois\\.csv chargé comme chargement 2 : lignes nouvelles : 1, mises à jour : 1, supprimées : 0, inchangées : 1."
    ]
    assert [t.value for t in at.toast] == ["Le chargement 2 est dans la base."]


def test_a_refused_upload_is_framed_in_french_and_its_problems_stay_as_the_checks_write_them(app):
    at = _upload(app("upload", lang="fr"), BAD_CSV)
    assert not at.exception
    assert _texts(at.error) == ["1 problème dans 1 ligne : rien ne sera écrit. Corrigez le fichier et téléversez-le à nouveau."]
    assert "##### Problèmes relevés" in _texts(at.markdown)
    problems = _table(at, "feuille")
    assert list(problems.columns) == ["feuille", "ligne", "colonne", "valeur", "problème", "suggestion"]
    assert problems.iloc[0][["feuille", "ligne", "colonne", "valeur"]].tolist() == ["eois", 4, "country", "Atlantis"]
    assert at.expander[0].label == "Lire le problème sous forme de phrase"


@pytest.mark.parametrize(
    ("rows", "said"),
    [
        (1, "Загрузить 1 строку в хранилище"),
        (3, "Загрузить 3 строки в хранилище"),
        (5, "Загрузить 5 строк в хранилище"),
    ],
)
def test_the_load_button_agrees_with_its_count_in_russian(app, rows, said):
    lines = [f"Z{i},2023-05-01,KEN,Org {i},other,received" for i in range(rows)]
    csv = ("eoi_id,received_on,country,organization,request,status\n" + "\n".join(lines) + "\n").encode()
    at = _upload(app("upload", lang="ru"), csv)
    assert not at.exception
    assert _texts(at.title) == ["Загрузка"]
    assert at.button(key="commit").label == said


def test_upload_page_speaks_chinese(app):
    at = _upload(app("upload", lang="zh"))
    assert not at.exception
    assert _texts(at.title) == ["上传"]
    assert _texts(at.success) == ["就绪：1个工作表中的3行。请检查此次加载将更改的内容，然后加载。"]
    assert list(_table(at, "工作表").columns) == ["工作表", "新增", "更新", "删除", "未变"]


def test_history_page_speaks_french(app):
    at = _upload(app("upload"))
    at.button(key="commit").click().run()
    at = app("history", lang="fr")
    assert not at.exception
    assert _texts(at.title) == ["Historique"]
    assert "##### Chargements, annulations, éditions et purges (2)" in _texts(at.markdown)
    history = _table(at, "chargement")
    assert list(history.columns)[:6] == ["chargement", "type", "annulation", "par", "compte système", "date"]
    assert list(history["type"]) == ["téléversement", "téléversement"]
    assert set(history["annulation"]) == {"possible"}
    assert "##### Annuler un chargement" in _texts(at.markdown)
    box = at.selectbox(key="rollback_load_0")
    assert box.label == "Chargement à annuler"
    assert box.options[0].startswith("Chargement 2 : téléversement, eois.csv, ")
    at = box.select_index(1).run()  # load 1
    assert at.warning[0].value.startswith(
        "L’annulation ramène toute la base à son état juste avant le chargement 1. "
        "Le 1 chargement ultérieur ci-dessous est annulé aussi."
    )
    assert at.checkbox(key="rollback_confirm_0").label == "Je comprends : ramener la base à son état d’avant le chargement 1"
    assert at.button(key="rollback").label == "Annuler"


def test_history_page_speaks_arabic(app):
    at = app("history", lang="ar")
    assert not at.exception
    assert _texts(at.title) == ["السجل"]
    assert list(_table(at, "تحميل")["النوع"]) == ["تحميل ملف"]
    assert at.button(key="rollback").label == "التراجع"


def test_publish_page_speaks_french(published, app):
    at = app("publish", lang="fr")
    assert not at.exception
    assert _texts(at.title) == ["Publier"]
    markdown = _texts(at.markdown)
    assert {"##### Préparer une édition", "##### Approuver un brouillon", "##### Éditions (1)"} <= set(markdown)
    assert [t.label for t in at.text_input] == ["Nom"]
    assert [d.label for d in at.main.date_input] == ["Début de la période", "Date de référence"]
    assert [t.label for t in at.text_area] == ["Note (facultative)"]
    assert [b.label for b in at.main.button] == ["Préparer le brouillon"]
    assert "Aucun brouillon n’attend d’approbation." in _texts(at.caption)
    table = _table(at, "Édition")
    assert list(table.columns)[:5] == ["Édition", "Statut", "Lien", "Période", "Approuvée"]
    assert list(table["Statut"]) == ["approuvée"]
    assert table["Période"].iloc[0] == "sur la période du 25 janvier 2023 au 30 juin 2023"


def test_a_draft_is_offered_for_approval_in_russian(store, app):
    editions.publish(store, "TDAG-24", date(2023, 6, 30), date(2023, 1, 25), user="ana")
    at = app("publish", lang="ru")
    assert not at.exception
    assert _texts(at.title) == ["Публикация"]
    assert at.selectbox(key="approve_name").label == "Черновик"
    assert any(c.startswith("Подготовлен: ana (учетная запись ОС ") for c in _texts(at.caption))
    assert list(_table(at, "Показатель").columns) == ["Показатель", "Значение"]
    assert at.checkbox(key="approve_confirm_TDAG-24").label == "Я проверил(а) показатели TDAG\\-24: опубликовать их"
    assert at.button(key="approve").label == "Утвердить и опубликовать"


def test_revisions_page_speaks_french(published, app):
    at = app("revisions", lang="fr")
    assert not at.exception
    assert _texts(at.title) == ["Révisions"]
    assert at.selectbox(key="revisions_edition").label == "Édition"
    assert any(m.startswith("##### Chiffres de l’édition TDAG\\-23 \\(l’ensemble de l’Alliance\\, ") for m in _texts(at.markdown))
    assert _texts(at.success) == [
        "Aucune révision : les données actuelles donnent chaque chiffre de TDAG\\-23 pour l’ensemble de l’Alliance "
        "comme l’édition."
    ]


def test_revisions_page_lists_a_late_eoi_in_russian(published, app):
    late = "eoi_id,received_on,country,organization,request,status\nX9,2023-05-02,KEN,Org L,other,received\n"
    at = _upload(app("upload"), late.encode())
    at.button(key="commit").click().run()
    at = app("revisions", lang="ru")
    assert not at.exception
    assert _texts(at.title) == ["Изменения"]
    assert any(
        c.startswith("1 показатель отличается. «Чем изменено»") or "отличаются. «Чем изменено»" in c for c in _texts(at.caption)
    )
    table = _table(at, "Показатель")
    assert list(table.columns) == ["Показатель", "В выпуске", "Сейчас", "Изменение", "Чем изменено"]
    # Load 4 (after the edition's preparation and approval): its kind in words, the file and who loaded it as recorded.
    assert all(
        changed.startswith("загрузка 4: загрузка файла от ") and "(eois.csv, " in changed for changed in table["Чем изменено"]
    )


def test_report_page_speaks_french(app):
    at = app("report", lang="fr", as_of=AS_OF)
    assert not at.exception
    assert _texts(at.title) == ["Rapport au GCDT"]
    assert at.main.markdown[0].value.startswith("Un document Word sur le modèle des contributions au GCDT")
    assert at.main.markdown[1].value.startswith("**Période :** du 25 janvier 2023 au 30 juin 2023 · **Région :** ")
    assert [b.label for b in at.main.button] == ["Produire le rapport"]


def test_report_page_speaks_chinese(app):
    at = app("report", lang="zh", as_of=AS_OF)
    assert not at.exception
    assert _texts(at.title) == ["TDAG报告"]
    assert at.main.markdown[1].value.startswith("**期间：** 2023年1月25日至2023年6月30日 · **区域：** ")
    assert [b.label for b in at.main.button] == ["生成报告"]


# The pseudo-language marks every message ⟦...⟧; what is left outside the marks must be data, not English.
_ICON = re.compile(r":material/\w+:")
# Dates and moments are written by alliance.words, as English writes them in the pseudo-language.
_DATE = re.compile(r"\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b")
_WORD = re.compile(r"[A-Za-z]{3,}")
# What the hand-counted store and the test's files hold, shown as they are: the register's sheet and column names,
# file and user names, edition names, ids, and a file's values in the preview's headings.
_DATA = {
    *(word for sheet in SHEETS.values() for name in (sheet.label, *sheet.names) for word in _WORD.findall(name)),
    *("eois", "csv", "tester", "ana", "boss", "TDAG", "sha"),
}


def _unmarked_words(text: str) -> list[str]:
    """The English words of 3+ letters outside every ⟦...⟧ (innermost first: messages nest), data values aside."""
    previous = None
    while previous != text:
        previous, text = text, PSEUDO_MARKED.sub(" ", text)
    return [word for word in _WORD.findall(_DATE.sub(" ", _ICON.sub(" ", text))) if word not in _DATA]


def _page_texts(at) -> list[str]:
    """Every text of the page itself (the sidebar is the frame's) a reader sees."""
    main = at.main
    texts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption") for e in main.get(kind)]
    texts += [e.value for kind in ("info", "warning", "error", "success", "toast") for e in main.get(kind)]
    for kind in ("button", "checkbox", "selectbox", "text_input", "text_area", "date_input", "file_uploader"):
        for widget in main.get(kind):
            texts += [widget.label, widget.help or ""]
    for kind in ("download_button", "link_button", "page_link", "expander", "status"):
        texts += [element.proto.label for element in main.get(kind)]
    for frame in main.dataframe:
        texts += [str(column) for column in frame.value.columns]
    return texts


def _problem_sentences(at) -> set[str]:
    """The upload's problems as the checks write them (in English until alliance/ingest speaks)."""
    return {m.value for m in at.markdown if m.value.startswith("- ")}


def _assert_marked(at, leave: set[str] = frozenset()) -> None:
    assert not at.exception
    texts = [text for text in _page_texts(at) if text not in leave]
    assert [(text, _unmarked_words(text)) for text in texts if _unmarked_words(text)] == []


def test_pseudo_language_marks_every_text_of_the_upload_steps(app):
    at = app("upload", lang="qps")
    _assert_marked(at)
    at = _upload(at)
    _assert_marked(at)
    at.checkbox[0].check().run()  # replace: a refusal (a center names the EoI that would go)
    _assert_marked(at, _problem_sentences(at))
    at = at.checkbox[0].uncheck().run()
    at = at.button(key="commit").click().run()
    _assert_marked(at)
    at = _upload(app("upload", lang="qps"), BAD_CSV)
    _assert_marked(at, _problem_sentences(at))


def _replace_milestones(at):
    """Upload one of the four milestones with Replace on: the other three would be removed."""
    at = _upload(at, MILESTONE_CSV, "milestones.csv")
    return at.checkbox[0].check().run()


def test_a_removal_by_replace_is_confirmed_in_french(app):
    at = _replace_milestones(app("upload", lang="fr"))
    assert not at.exception
    assert "Le remplacement supprimera les éléments suivants, absents de ce fichier : 3 jalons." in _texts(at.error)
    assert at.checkbox[1].label == "Oui, supprimer de la base : 3 jalons"
    assert at.button(key="commit").label == "Supprimer 3 jalons et charger 1 ligne"


def test_pseudo_language_marks_every_text_of_a_removal_by_replace(app):
    _assert_marked(_replace_milestones(app("upload", lang="qps")))


def test_pseudo_language_marks_every_text_of_history_publish_revisions_and_report(published, app):
    at = _upload(app("upload"))
    at.button(key="commit").click().run()
    editions.publish(published, "TDAG-24", date(2023, 6, 30), date(2023, 1, 25), user="ana")
    at = app("history", lang="qps")
    _assert_marked(at)
    box = at.selectbox(key="rollback_load_0")
    assert all(option.startswith("⟦") for option in box.options)
    at = box.select_index(1).run()  # load 1
    _assert_marked(at)
    _assert_marked(app("publish", lang="qps"))
    _assert_marked(app("revisions", lang="qps"))
    _assert_marked(app("revisions", lang="qps", edition="TDAG-24"))
    _assert_marked(app("report", lang="qps", as_of=AS_OF))
