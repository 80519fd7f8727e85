"""The six languages: catalogues complete and in step with the code, CLDR's dates and numbers, the language chosen."""

from datetime import date

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from conftest import ROOT

from alliance import i18n, words

TRANSLATED = [code for code in i18n.LANGUAGES if code != i18n.ENGLISH]
KEYWORDS = {"_": None, "n_": (1, 2), "N_": None, "counted": (2, 3)}  # as make translations extracts


def _method_map() -> list[tuple[str, str]]:
    """babel.cfg's sections, as `make translations` reads them."""
    lines = (ROOT / "babel.cfg").read_text().splitlines()
    return [tuple(reversed(line.strip("[]").split(": ", 1))) for line in lines if line.startswith("[")]


def _in_code() -> set:
    found = extract_from_dir(str(ROOT), _method_map(), keywords=KEYWORDS, comment_tags=())
    return {message if isinstance(message, str) else tuple(message) for _, _, message, _, _ in found}


def _catalogue(path):
    with path.open("rb") as handle:
        return read_po(handle)


def _placeholders(text: str) -> list[str]:
    return sorted(i18n.PLACEHOLDER.findall(text))


def test_the_template_holds_every_message_the_code_marks_and_no_other():
    template = {m.id for m in _catalogue(ROOT / "locale" / "alliance.pot") if m.id}
    assert template == _in_code(), "run make translations"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_catalogue_translates_every_message_with_the_same_placeholders(language):
    template = [m for m in _catalogue(ROOT / "locale" / "alliance.pot") if m.id]
    catalogue = _catalogue(ROOT / "locale" / language / "LC_MESSAGES" / "alliance.po")
    assert catalogue.num_plurals == get_plural(i18n.CLDR[language]).num_plurals  # Arabic has six forms, Russian three
    for wanted in template:
        found = catalogue.get(wanted.id)
        assert found is not None, f"{language}: missing {wanted.id!r} (run make translations)"
        assert "fuzzy" not in found.flags, f"{language}: {wanted.id!r} is marked fuzzy: check it, then unmark it"
        forms = found.string if isinstance(found.string, tuple) else (found.string,)
        english = wanted.id if isinstance(wanted.id, tuple) else (wanted.id,)
        assert all(forms), f"{language}: {wanted.id!r} has no translation"
        for form in forms:
            # Every form keeps the English placeholders; a plural's form may leave out the number, {count}, as Arabic's
            # one and two forms do ("the event", "the two events").
            allowed = [_placeholders(e) for e in english]
            if len(english) > 1:
                allowed += [[p for p in a if p != "{count}"] for a in allowed]
            assert _placeholders(form) in allowed, (language, wanted.id, form)


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", "30 June 2023"),
        ("fr", "30 juin 2023"),
        ("es", "30 de junio de 2023"),
        ("ru", "30 июня 2023\u202fг."),
        ("zh", "2023年6月30日"),
        ("ar", "30 يونيو 2023"),
    ],
)
def test_a_date_reads_as_cldr_writes_a_long_date_in_each_language(language, written):
    with i18n.speaking(language):
        assert words.day(date(2023, 6, 30)) == written


def test_numbers_and_money_take_each_languages_separators():
    with i18n.speaking("fr"):
        assert (words.count(1234567), words.decimal(12.5), words.money(304000)) == (
            "1\u202f234\u202f567",
            "12,5",
            "304\u202f000\u00a0USD",
        )
    with i18n.speaking("es"):
        assert words.decimal(12.5) == "12,5"
    with i18n.speaking("zh"):
        assert words.money(304000) == "USD\u00a0304,000"
    # English is unchanged: ITU's British style.
    assert (words.count(1234567), words.money(304000), words.money(12.5), words.signed(0)) == (
        "1,234,567",
        "USD 304,000",
        "USD 12.50",
        "+0",
    )


def test_a_sentence_is_translated_around_its_values():
    with i18n.speaking("fr"):
        assert words.period(date(2023, 1, 25), date(2023, 6, 30)) == "sur la période du 25 janvier 2023 au 30 juin 2023"
        assert words.count(300, over=True) == "plus de 300"
    with i18n.speaking("ru"):
        assert words.as_at(date(2023, 6, 30)) == "по состоянию на 30 июня 2023\u202fг."
    assert words.as_at(date(2023, 6, 30)) == "as at 30 June 2023"  # the block's language ended with it


def test_the_pseudo_language_marks_every_message_and_keeps_its_placeholders():
    with i18n.speaking(i18n.PSEUDO):
        assert words.as_at(date(2023, 6, 30)) == "⟦åš åt 30 June 2023⟧"
    assert i18n.pseudo("{count} of {total} events, %(n)s") == "⟦{count} öf {total} évéñtš, %(n)s⟧"


@pytest.mark.parametrize(
    ("asked", "browser", "spoken"),
    [
        ("fr", "ru-RU", "fr"),  # the link wins
        (None, "ru-RU", "ru"),  # then the browser's
        ("", "zh_CN", "zh"),
        (None, "de-DE", "en"),  # not one of the six: English
        ("de", "es", "es"),  # an unknown ?lang= is ignored
        ("AR", None, "ar"),
        ("qps", None, "qps"),  # the pseudo-language only when asked for by name
        (None, "qps", "en"),
        (None, None, "en"),
    ],
)
def test_the_language_is_the_links_then_the_browsers_then_english(asked, browser, spoken):
    assert i18n.chosen(asked, browser) == spoken


def test_names_in_a_frame_are_shown_in_the_language_spoken_and_uploaded_values_as_written():
    import pandas as pd

    from alliance import kpis

    frame = pd.DataFrame(
        {"region_name": ["Africa", "Arab States"], "country_name": ["Egypt", "Türkiye"], "title": ["Africa", "x"]}
    )
    assert i18n.localized(frame) is frame  # English: nothing to do
    with i18n.speaking("fr"):
        shown = i18n.localized(frame)
        assert list(shown["region_name"]) == ["Afrique", "Etats arabes"]  # as ITU's French pages write them
        assert list(shown["country_name"]) == ["Égypte", "Turquie"]  # CLDR's French names
        assert list(shown["title"]) == ["Africa", "x"]  # an uploaded title stays as written
        assert kpis.region_names()["ARB"] == "Etats arabes"
    with i18n.speaking("zh"):
        assert kpis.capability_names()["TRR"] == i18n.name("capability", "TRR") != "Trends research readiness"
    assert kpis.region_names()["ARB"] == "Arab States"
