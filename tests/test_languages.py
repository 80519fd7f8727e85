"""The language a page speaks: from the link, the sidebar or the browser; kept in the link; Arabic mirrored."""

RIGHT_TO_LEFT = "direction: rtl"


def _mirrored(at) -> bool:
    return any(RIGHT_TO_LEFT in h.proto.body for h in at.get("html"))


def test_a_links_language_is_spoken_and_stays_in_the_link(app):
    at = app("overview", lang="fr", as_of="2023-06-30")
    assert not at.exception
    assert at.selectbox(key="lang").value == "fr"
    assert at.query_params["lang"] == "fr"
    # The provenance line's period, in French as CLDR writes its dates.
    assert any("sur la période du 25 janvier 2023 au 30 juin 2023" in c.value for c in at.caption)
    assert not _mirrored(at)


def test_choosing_a_language_in_the_sidebar_speaks_it_and_writes_it_to_the_link(app):
    at = app("overview", as_of="2023-06-30")
    assert at.selectbox(key="lang").value == "en"
    assert "lang" not in at.query_params  # English, as the browser gives it: nothing to say
    at = at.selectbox(key="lang").set_value("ru").run()
    assert not at.exception
    assert at.query_params["lang"] == "ru"
    assert any("за период с 25 января 2023" in c.value for c in at.caption)
    at = at.selectbox(key="lang").set_value("en").run()
    assert "lang" not in at.query_params
    assert any("in the period 25 January 2023 to 30 June 2023" in c.value for c in at.caption)


def test_an_unknown_language_in_the_link_is_english(app):
    at = app("overview", lang="de")
    assert not at.exception
    assert at.selectbox(key="lang").value == "en"
    assert "lang" not in at.query_params


def test_arabic_mirrors_the_page_and_no_other_language_does(app):
    at = app("overview", lang="ar")
    assert not at.exception
    assert _mirrored(at)
    at = at.selectbox(key="lang").set_value("zh").run()
    assert not _mirrored(at)


def test_arabic_charts_read_right_to_left_and_the_shared_figure_is_left_as_it_is(app):
    import json

    from alliance import i18n

    at = app("capabilities", lang="ar")
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    xaxis = spec["layout"]["xaxis"]  # reversed: by Plotly, or its own range (room for labels) turned round
    assert xaxis.get("autorange") == "reversed" or xaxis["range"][0] > xaxis["range"][1]
    assert spec["layout"]["yaxis"]["side"] == "right"
    assert spec["layout"]["legend"]["xanchor"] == "right"
    with i18n.speaking("ar"):  # AppTest formats the radio options, drawn in Arabic, in the test's thread
        at = at.selectbox(key="lang").set_value("fr").run()
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    xaxis = spec["layout"]["xaxis"]
    assert xaxis.get("autorange") != "reversed" and xaxis["range"][0] < xaxis["range"][1]
    assert spec["layout"]["yaxis"].get("side") != "right"
