"""Numbers and agreement in words: the helpers the pages, charts and the report share."""

import pytest

from alliance import words


@pytest.mark.parametrize("value, written", [(1234, "1,234"), (1234.0, "1,234"), (12.5, "12.5"), (1234.25, "1,234.2"), (0, "0")])
def test_decimal_shows_one_decimal_only_when_there_is_a_fraction(value, written):
    assert words.decimal(value) == written


@pytest.mark.parametrize("value, written", [(3, "+3"), (-1250, "-1,250"), (0, "+0"), (2.0, "+2")])
def test_signed_writes_a_change_with_its_sign_and_separators(value, written):
    assert words.signed(value) == written


@pytest.mark.parametrize("value, word", [(0, "are"), (1, "is"), (2, "are")])
def test_agree_picks_the_word_for_the_count(value, word):
    assert words.agree(value, "is", "are") == word
