"""The command line's own text: free text with control characters refused as a usage error, and every name
from outside printed escaped, as the pages show it."""

import json
import os

import pytest
from conftest import cli
from workbooks import workbook_named

from alliance import words

PERIOD = ("--from", "2023-01-25", "--as-of", "2023-06-30")
HEADER = ["eoi_id", "received_on", "country", "organization", "request", "status"]


def _state(store) -> tuple:
    """What a refused command must leave as it was: the current state, every stored file, the history."""
    files = sorted(p.name for p in store.snapshots.rglob("*"))
    return store.snapshot_name(), files, cli("history", "--json", "--db", store.path).stdout


@pytest.mark.parametrize(
    "args, said",
    [
        (
            ("load", "{csv}", "--user", "ana\x1b[31m"),
            "argument --user: holds a control character, U+001B (\\x1b), at character 4 of 8",
        ),
        (("rollback", "1", "--user", "ana\nroot"), "argument --user: holds a control character, U+000A (\\n), at character 4"),
        (("remove-demo", "--user", "\x7fana"), "argument --user: holds a control character, U+007F (\\x7f), at character 1"),
        (("prune", "--keep-days", "0", "--user", "ana\tb"), "argument --user: holds a control character, U+0009 (\\t)"),
        (
            ("publish", "TDAG-26", *PERIOD, "--user", "ana", "--note", "for\rTDAG"),
            "argument --note: holds a control character, U+000D (\\r)",
        ),
        (
            ("publish", "TDAG\u202826", *PERIOD, "--user", "ana"),
            "argument name: holds a control character, U+2028 (\\u2028), at character 5",
        ),
        (("publish", "TDAG-26", *PERIOD, "--user", "a\u2029"), "argument --user: holds a control character, U+2029 (\\u2029)"),
        (("approve", "TDAG\x85", "--user", "boss"), "argument name: holds a control character, U+0085 (\\x85)"),
        (("revisions", "TDAG-23\x1b[2J"), "argument name: holds a control character, U+001B (\\x1b), at character 8"),
        (("kpis", "--edition", "T\x01", "--json"), "argument --edition: holds a control character, U+0001 (\\x01)"),
        (("report", "--edition", "T\x9b1m", "--out", "{out}"), "argument --edition: holds a control character, U+009B (\\x9b)"),
    ],
)
def test_free_text_with_a_control_character_is_a_usage_error_naming_it_and_writes_nothing(store, tmp_path, args, said):
    """--user, --note and edition names took escape sequences, line breaks and C1 controls, and recorded them."""
    csv = tmp_path / "eois.csv"
    csv.write_text(",".join(HEADER) + "\nX1,2023-02-01,KEN,Org,other,received\n")
    before = _state(store)
    done = cli(*(a.format(csv=csv, out=tmp_path / "r.docx") for a in args), "--db", store.path)
    assert done.returncode == 2, done.stderr
    assert said in done.stderr
    assert "one line of printable text" in done.stderr
    assert all(c == "\n" or c.isprintable() for c in done.stderr)  # the character is named, never sent
    assert _state(store) == before
    assert not (tmp_path / "r.docx").exists()


@pytest.mark.parametrize("command", [("load", "{csv}"), ("publish", "TDAG-26", *PERIOD), ("rollback", "1")])
def test_an_alliance_user_with_a_control_character_is_a_usage_error_and_writes_nothing(store, tmp_path, command):
    csv = tmp_path / "eois.csv"
    csv.write_text(",".join(HEADER) + "\nX1,2023-02-01,KEN,Org,other,received\n")
    before = _state(store)
    env = {**os.environ, "ALLIANCE_USER": "ana\x1b]0;pwned\x07"}
    done = cli(*(a.format(csv=csv) for a in command), "--db", store.path, env=env)
    assert done.returncode == 2, done.stderr
    assert "ALLIANCE_USER holds a control character, U+001B (\\x1b), at character 4" in done.stderr
    assert "\x1b" not in done.stderr and "\x07" not in done.stderr
    assert _state(store) == before
    # --user says who instead: the variable is then not used.
    assert cli(*(a.format(csv=csv) for a in command), "--user", "ana", "--db", store.path, env=env).returncode == 0


def test_ordinary_names_with_accents_and_spaces_are_taken_as_typed(store):
    done = cli("publish", "TDAG-26", *PERIOD, "--user", "Zoë N'Guessan", "--note", "Côte d'Ivoire: révisé", "--db", store.path)
    assert done.returncode == 0, done.stderr
    [edition] = json.loads(cli("editions", "--json", "--db", store.path).stdout)
    assert (edition["prepared_by"], edition["note"]) == ("Zoë N'Guessan", "Côte d'Ivoire: révisé")


@pytest.mark.parametrize(
    "text, printed",
    [
        ("Expressions of\nInterest", "Expressions of\\nInterest"),
        ("red \x1b[31mtext\x1b[0m", "red \\x1b[31mtext\\x1b[0m"),
        ("a\r\nb\tc", "a\\r\\nb\\tc"),
        ("line\u2028para\u2029", "line\\u2028para\\u2029"),
        ("c1 \x85 \x9b del \x7f nul \x00", "c1 \\x85 \\x9b del \\x7f nul \\x00"),
        ("lone \ud800", "lone \\ud800"),
        ("Côte d'Ivoire, Türkiye, 東京, back\\slash", "Côte d'Ivoire, Türkiye, 東京, back\\slash"),
    ],
)
def test_escaped_shows_every_control_character_as_its_escape_and_nothing_else(text, printed):
    assert words.escaped(text) == printed


def test_a_rejection_prints_a_sheet_names_line_break_and_a_values_escape_sequence_escaped(empty_store, tmp_path):
    """A sheet named with a line break split every problem line in two on the terminal and in logs."""
    path = workbook_named(
        tmp_path / "register.xlsx",
        "Expressions of\nInterest",
        [HEADER, ["E9", "2023-02-01", "Atlantis", "Org \x1b[31mred\x1b[0m", "other", "received"]],
    )
    done = cli("load", path, "--user", "ana", "--db", empty_store.path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "register.xlsx: rejected, 2 problem(s) found; nothing was written.",
        "Expressions of\\nInterest row 2, country: 'Atlantis' is not a known country",
        "Expressions of\\nInterest row 2, organization: 'Org \\x1b[31mred\\x1b[0m' holds the control character '\\x1b'; "
        "expected text without control characters such as \\v (vertical tab) or \\x00",
    ]
    assert "\x1b" not in done.stdout + done.stderr


def test_a_load_prints_its_file_name_and_an_ignored_sheets_name_escaped(empty_store, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    path = workbook_named(
        folder / "eois \x1b[31mred\x1b[0m.xlsx",
        "EoIs",
        [HEADER, ["E9", "2023-02-01", "KEN", "Org", "other", "received"]],
        other_sheet="Notes\n\x1b[2J",
    )
    done = cli("load", path, "--user", "ana", "--db", empty_store.path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "load 1: eois \\x1b[31mred\\x1b[0m.xlsx: eois: 1 new, 0 updated, 0 removed, 0 unchanged\n"
    assert done.stderr == "Sheet 'Notes\\n\\x1b[2J' is not part of the upload format and was ignored.\n"
    listed = cli("history", "--db", empty_store.path).stdout
    assert "eois \\x1b[31mred\\x1b[0m.xlsx" in listed and "\x1b" not in listed
    # A refusal names the file escaped too.
    path.write_bytes(b"not a workbook")
    refused = cli("load", path, "--db", empty_store.path)
    assert refused.returncode == 1 and "\x1b" not in refused.stderr
    assert refused.stderr.startswith("eois \\x1b[31mred\\x1b[0m.xlsx: ")
