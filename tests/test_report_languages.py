"""The TDAG report in ITU's languages: its words translated, Arabic right to left, fonts named for Chinese and
Arabic, the annex's sheets and headers translated (English is covered, unchanged, by test_report*.py)."""

import re

import openpyxl
import pytest
from conftest import cli
from docx import Document
from docx.oxml.ns import qn

from alliance.ingest.load import seed
from alliance.store import Store

ARABIC = re.compile("[\u0600-\u06ff]")
HEADINGS = {
    "fr": ["Résumé", "Suite à donner", "1. Contexte", "2. Objectifs", "3. Principales actions et résultats", "4. Perspectives"],
    "ar": ["الملخص", "الإجراء المطلوب", "1. معلومات أساسية", "2. الأهداف", "3. الإجراءات والنتائج الرئيسية", "4. المضي قدماً"],
    "zh": ["摘要", "需采取的行动", "1. 背景", "2. 目标", "3. 主要行动和成果", "4. 未来工作"],
}


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict:
    """The built-in records reported for the first half of 2023 in French, Arabic and Chinese: (docx, annex)."""
    folder = tmp_path_factory.mktemp("languages")
    store = Store(folder / "alliance.duckdb").ensure()
    seed(store, demo=False)
    built = {}
    for lang in HEADINGS:
        out = folder / f"{lang}.docx"
        args = ("--from", "2023-01-01", "--as-of", "2023-06-30", "--lang", lang, "--out", out, "--no-images")
        done = cli("report", "--db", store.path, *args)
        assert done.returncode == 0, done.stderr
        built[lang] = (Document(str(out)), openpyxl.load_workbook(folder / f"{lang}-annex.xlsx"))
    return built


@pytest.mark.parametrize("lang", HEADINGS)
def test_report_headings_are_in_the_language_asked_for(reports, lang):
    doc, _ = reports[lang]
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == HEADINGS[lang]


def test_french_report_words_its_table_and_sentences_in_french(reports):
    doc, _ = reports["fr"]
    details = [row.cells[0].text for row in doc.tables[0].rows]
    assert details == ["Période", "Région", "Date de référence", "Source des données"]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Le GCDT est invité à prendre note du présent rapport" in text
    assert "30 juin 2023" in text and "30 June 2023" not in text.split("Cité en anglais")[0]


def test_quotations_stay_in_english_marked_as_quoted(reports):
    doc, _ = reports["fr"]
    texts = [p.text for p in doc.paragraphs]
    mark = next(i for i, t in enumerate(texts) if t.startswith("Cité en anglais"))
    assert texts[mark + 1].startswith("At the World Telecommunication Development Conference (WTDC-22)")


def test_arabic_report_reads_right_to_left(reports):
    doc, _ = reports["ar"]
    body = doc.element.body
    quoted = {
        p
        for p in body.iter(qn("w:p"))
        if (b := p.find(f"{qn('w:pPr')}/{qn('w:bidi')}")) is not None and b.get(qn("w:val")) == "0"
    }
    arabic = [
        p for p in body.iter(qn("w:p")) if p not in quoted and ARABIC.search("".join(t.text or "" for t in p.iter(qn("w:t"))))
    ]
    assert len(arabic) > 20 and quoted  # the quotations of ITU documents in English stay left to right
    for paragraph in arabic:
        assert paragraph.find(f"{qn('w:pPr')}/{qn('w:bidi')}") is not None
        for run in paragraph.iter(qn("w:r")):
            if ARABIC.search("".join(t.text or "" for t in run.iter(qn("w:t")))):
                assert run.find(f"{qn('w:rPr')}/{qn('w:rtl')}") is not None
                assert run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}").get(qn("w:cs")).startswith("Noto")
    assert all(t._tbl.tblPr.find(qn("w:bidiVisual")) is not None for t in doc.tables)
    for name in ("Normal", "Heading 1", "Heading 2", "Title"):
        style = doc.styles[name].element
        assert style.find(f"{qn('w:pPr')}/{qn('w:bidi')}") is not None
        assert style.find(f"{qn('w:rPr')}/{qn('w:lang')}").get(qn("w:bidi")) == "ar-SA"


def test_chinese_report_names_a_cjk_font_on_its_styles_and_runs(reports):
    doc, _ = reports["zh"]
    for name in ("Normal", "Heading 1", "Title"):
        fonts = doc.styles[name].element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert fonts.get(qn("w:eastAsia")) == "Noto Sans CJK SC" and fonts.get(qn("w:ascii")) == "Calibri"
    runs = [
        r
        for r in doc.element.body.iter(qn("w:r"))
        if re.search("[\u4e00-\u9fff]", "".join(t.text or "" for t in r.iter(qn("w:t"))))
    ]
    assert runs
    for run in runs:
        rPr = run.find(qn("w:rPr"))
        assert rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "Noto Sans CJK SC"
        assert rPr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    assert not any(r.find(f"{qn('w:rPr')}/{qn('w:rtl')}") is not None for r in runs)


@pytest.mark.parametrize(
    "lang, sheet, header",
    [
        ("fr", "Résultats par région", ["Code de la région", "Région", "Manifestations d’intérêt reçues"]),
        ("ar", "النتائج حسب المنطقة", ["رمز المنطقة", "المنطقة", "إبداءات الاهتمام الواردة"]),
        ("zh", "按区域分列的成果", ["区域代码", "区域", "收到的意向书"]),
    ],
)
def test_annex_sheets_and_headers_are_translated(reports, lang, sheet, header):
    _, annex = reports[lang]
    assert len(annex.sheetnames) == 11
    assert [c.value for c in annex[sheet][1]][:3] == header
    assert bool(annex[sheet].sheet_view.rightToLeft) == (lang == "ar")


def test_report_refuses_a_language_it_does_not_speak(tmp_path):
    done = cli("report", "--db", tmp_path / "s.duckdb", "--as-of", "2023-06-30", "--lang", "xx", "--out", tmp_path / "r.docx")
    assert done.returncode == 2
    assert "--lang" in done.stderr and not (tmp_path / "r.docx").exists()


def test_the_report_page_writes_the_report_and_its_annex_in_the_pages_language(app):
    import io
    import zipfile

    import openpyxl

    at = app("report", as_of="2023-06-30", lang="fr")
    assert not at.exception
    at.button[0].click().run(timeout=180)
    assert not at.exception
    built = at.session_state["report"]
    with zipfile.ZipFile(io.BytesIO(built["docx"])) as docx:
        body = docx.read("word/document.xml").decode()
    assert "Résumé" in body and ">Summary<" not in body
    annex = openpyxl.load_workbook(io.BytesIO(built["xlsx"]), read_only=True)
    assert "Résultats par région" in annex.sheetnames
    # Another language: the French build is not offered as its report.
    at = at.selectbox(key="lang").set_value("en").run()
    assert "Download the report (.docx)" not in [b.label for b in at.get("download_button")]
