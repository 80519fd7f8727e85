"""An upload's refusals in the six languages: the sentence around what a problem names is translated, the sheet, row,
column, value and suggested values stay as written, and the command line still refuses in English."""

import re

import pytest
from conftest import PSEUDO_MARKED, cli
from test_page_upload import GOOD_CSV

from alliance import i18n
from alliance.ingest.problems import Problem, Problems, Rejected
from alliance.ingest.read import CHILD_REFUSALS, from_child

BAD_CSV = GOOD_CSV.replace(b"FRA", b"Atlantis")


def _upload(at, content: bytes = BAD_CSV, name: str = "eois.csv"):
    at.file_uploader[0].set_value((name, content, "text/csv"))
    return at.run()


def _unescaped(text: str) -> str:
    """Text as the reader sees it: the page escapes Markdown in what it quotes."""
    return re.sub(r"\\(.)", r"\1", text)


def _sentences(at) -> list[str]:
    return [_unescaped(m.value) for m in at.markdown if m.value.startswith("- ")]


def _problems(at):
    return next(d.value for d in at.dataframe if len(d.value.columns) == 6)


@pytest.mark.parametrize(
    ("lang", "problem", "sentence"),
    [
        ("fr", "'Atlantis' n’est pas un pays connu", "- eois ligne 4, country : 'Atlantis' n’est pas un pays connu"),
        ("ar", "'Atlantis' ليس بلدًا معروفًا", "- eois الصف 4، country: 'Atlantis' ليس بلدًا معروفًا"),
    ],
)
def test_a_refused_upload_says_why_in_the_page_language_naming_the_cell_as_written(app, lang, problem, sentence):
    at = _upload(app("upload", lang=lang))
    assert not at.exception
    table = _problems(at)
    assert table.iloc[0, :4].tolist() == ["eois", 4, "country", "Atlantis"]
    assert table.iloc[0, 4] == problem
    assert _sentences(at) == [sentence]


def test_a_refusal_by_the_reading_process_is_said_in_the_page_language(app):
    at = _upload(app("upload", lang="fr"), b"\x00\x01\x02binary", "eois.csv")
    assert not at.exception
    assert [_unescaped(e.value) for e in at.error] == ["eois.csv : ce n’est ni un fichier CSV ni un classeur .xlsx."]


def test_the_command_line_refuses_in_english(tmp_path, store):
    path = tmp_path / "eois.csv"
    path.write_bytes(BAD_CSV)
    done = cli("load", str(path), "--db", str(store.path))
    assert done.returncode != 0
    assert "eois.csv: rejected, 1 problem(s) found; nothing was written." in done.stderr
    assert "eois row 4, country: 'Atlantis' is not a known country" in done.stderr


def test_pseudo_language_marks_every_problem_sentence(app):
    at = _upload(app("upload", lang="qps"))
    assert not at.exception
    sentences = _sentences(at)
    assert sentences
    for sentence in sentences:
        left = sentence[2:]
        while PSEUDO_MARKED.search(left):
            left = PSEUDO_MARKED.sub(" ", left)
        # Outside the marks: only what the problem names (sheet, column, value, the suggested values).
        assert set(re.findall(r"[A-Za-z]{3,}", left)) <= {"eois", "country", "Atlantis"}, sentence
    assert all(PSEUDO_MARKED.search(str(value)) for value in _problems(at).iloc[:, 4])


def test_a_problem_is_written_in_the_language_it_was_found_in():
    with i18n.speaking("qps"):
        problem = Problem("eois", 4, "status", "x", "is wrong", ("received", "onboarded"))
    assert str(problem).startswith("⟦eois ")
    assert problem.suggestion == "⟦received ör onboarded⟧"  # the values to type as they are, the word between marked
    english = Problem("eois", 4, "status", "x", "is wrong", ("received", "onboarded"))
    with i18n.speaking("qps"):
        assert str(english) == "eois row 4, status: is wrong (did you mean 'received' or 'onboarded'?)"


def test_counts_past_the_cap_and_the_rejection_line_are_marked():
    with i18n.speaking("qps"):
        problems = Problems(Problem("eois", n, "country", "x", "bad") for n in range(1, 200))
        lines = Rejected("eois.csv", problems).lines
    assert lines[0].startswith("⟦eois.csv: ") and "199" in lines[0]
    assert any(line.startswith("⟦eois, country: ⟦... åñd 99 ") for line in lines)


@pytest.mark.parametrize(
    ("refusal", "french"),
    [
        (
            "big.csv: line 12 has 1,234 values, beyond the 200 columns an upload may use.",
            "big.csv : la ligne 12 a 1\u202f234 valeurs, au-delà des 200 colonnes qu’un téléversement peut utiliser.",
        ),
        ("a.xlsx: this is a zip archive, not an Excel workbook.", "a.xlsx : c’est une archive zip, pas un classeur Excel."),
        ("odd: something new.", "odd: something new."),  # not recognised: as written
    ],
)
def test_the_reading_process_refusals_are_translated_where_they_arrive(refusal, french):
    assert from_child(refusal) == refusal
    with i18n.speaking("fr"):
        assert from_child(refusal) == french


def test_every_refusal_the_reading_process_writes_is_recognised():
    """Each message CHILD_REFUSALS lists reads back as itself, its placeholders found again."""
    for message in CHILD_REFUSALS:
        values = {name: f"v{i}" for i, name in enumerate(re.findall(r"\{(\w+)\}", message))}
        with i18n.speaking("qps"):
            assert from_child(message.format(**values)) == i18n.pseudo(message).format(**values)


def test_a_checked_upload_is_checked_again_in_the_language_switched_to(app):
    at = _upload(app("upload"))
    assert _problems(at).iloc[0, 4] == "'Atlantis' is not a known country"
    at = at.selectbox(key="lang").set_value("fr").run()
    assert not at.exception
    assert _problems(at).iloc[0, 4] == "'Atlantis' n’est pas un pays connu"
