"""The load preview shows each value as it will be stored, with what the file wrote where it differs."""

from datetime import date, datetime

import pytest
from test_load import HEADER, rejected

from alliance.words import as_filed


@pytest.mark.parametrize(
    "cell, stored, shown",
    [
        ("15/04/2023", date(2023, 4, 15), "15/04/2023 \u2192 15 April 2023"),
        ("2023-04-15", date(2023, 4, 15), "15 April 2023"),
        (datetime(2023, 4, 15), date(2023, 4, 15), "15 April 2023"),
        (datetime(2023, 4, 15, 13, 30), date(2023, 4, 15), "2023-04-15 13:30:00 \u2192 15 April 2023"),
        (45031, date(2023, 4, 15), "45031 \u2192 15 April 2023"),
        ("Korea (Rep. of)", "KOR", "Korea (Rep. of) \u2192 KOR"),
        (" KOR ", "KOR", "KOR"),
        ("Under review", "under_review", "Under review \u2192 under_review"),
        ("TRR, OTI", ["TRR", "OTI"], "TRR; OTI"),
        ("trr", ["TRR"], "trr \u2192 TRR"),
        ("1,200", 1200, "1,200"),
        (55.0, 55, "55"),
        ("yes", True, "yes"),
        (None, None, ""),
    ],
)
def test_value_shows_as_filed_only_where_the_file_wrote_it_otherwise(cell, stored, shown):
    assert as_filed(cell, stored) == shown


def test_wrong_choice_value_names_the_closest_allowed_values_on_the_command_line_too(store, tmp_path):
    error = rejected(store, tmp_path, "EoIs", [HEADER, ["X1", "2023-02-01", "KEN", "Org", "other", "approved"]])
    [problem] = error.problems
    assert str(problem).startswith("EoIs row 2, status: 'approved' is not an allowed eoi status; expected one of ")
    assert str(problem).endswith("(did you mean 'received' or 'onboarded'?)")
    assert problem.suggestion == "received or onboarded"


def test_unknown_choice_value_far_from_any_gets_no_suggestion(store, tmp_path):
    error = rejected(store, tmp_path, "EoIs", [HEADER, ["X1", "2023-02-01", "KEN", "Org", "other", "xyz"]])
    assert error.problems[0].suggestion == "" and "did you mean" not in str(error.problems[0])
