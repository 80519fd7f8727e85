"""Hostile input through the Upload page, as through the command line: refused plainly, never a traceback, never a write."""

from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "xlsx-corpus"
HEADER = "eoi_id,received_on,country,organization,request,status"


def upload(at, name: str, data: bytes):
    at.file_uploader[0].set_value((name, data, "application/octet-stream"))
    return at.run()


def messages(at) -> str:
    return " ".join(e.value for e in [*at.error, *at.warning, *at.info, *at.success])


def test_every_corpus_file_through_the_upload_page_is_refused_plainly(app, store):
    before = store.current().name
    at = app("upload")
    files = sorted(p for p in CORPUS.iterdir() if p.suffix != ".md")
    assert len(files) > 100
    for path in files:
        # Sent as .xlsx (a file renamed to look like a workbook): the reader, not the name, must refuse it.
        name = path.name if path.suffix in (".xlsx", ".xlsm", ".csv") else path.stem + ".xlsx"
        upload(at, name, path.read_bytes())
        assert not at.exception, path.name
        assert at.error, f"{path.name}: no refusal shown"
        assert "Traceback" not in messages(at), path.name
        assert not [b for b in at.button if b.key == "commit"], path.name
    assert store.current().name == before


@pytest.mark.parametrize(
    "encoding, delimiter, newline",
    [("utf-8-sig", ",", "\r\n"), ("utf-8", ";", "\n"), ("latin-1", ";", "\r\n"), ("cp1252", ",", "\r\n")],
)
def test_csv_with_bom_semicolons_latin1_and_windows_line_ends_through_the_upload_page(app, store, encoding, delimiter, newline):
    rows = [HEADER.split(","), ["X1", "15/04/2023", "Côte d'Ivoire", "Université", "Other", "Received"]]
    data = (newline.join(delimiter.join(r) for r in rows) + newline).encode(encoding)
    at = upload(app("upload"), "eois.csv", data)
    assert not at.exception
    assert at.dataframe[0].value.to_dict("records")[0]["new"] == 1
    at.button(key="commit").click().run()
    con = store.connect()
    assert con.execute("select country, organization from eois where eoi_id = 'X1'").fetchall() == [("CIV", "Université")]


def test_markup_in_uploaded_text_is_shown_literally(app, store):
    hostile = "<img src=x onerror=alert(1)>"
    data = f"{HEADER}\nX1,2023-02-01,KEN,{hostile},other,received\n".encode()
    at = upload(app("upload"), "eois.csv", data)
    at.button(key="commit").click().run()
    assert not at.exception
    at = app("centers", q="X1")
    assert not at.exception
    directory = next(d.value for d in at.dataframe if "ID" in d.value.columns)
    assert hostile in set(directory.iloc[:, 2])


def test_no_page_or_component_lets_html_through():
    root = Path(__file__).resolve().parent.parent
    for path in [*root.glob("app_pages/*.py"), *root.glob("components/*.py"), root / "app.py"]:
        assert "unsafe_allow_html" not in path.read_text(), path
