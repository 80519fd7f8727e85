"""The Overview page on the hand-counted store."""

import pytest


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def test_overview_shows_hand_counted_tiles(app):
    at = app(as_of="2023-06-30", compare="2023-03-31")
    assert not at.exception
    values = metrics(at)
    assert values["EoIs"] == "6"
    assert values["Countries"] == "5"
    assert values["Center requests"] == "4"
    assert values["Centers launched"] == "1"
    assert values["Participants"] == "420"
    assert values["USD mobilized"] == "304,000"
    assert values["Milestones overdue"] == "1"
    deltas = {m.label: m.proto.delta for m in at.metric}
    assert deltas["EoIs"] == "+3"
    assert "change since 31 March 2023" in " ".join(c.value for c in at.caption)


def test_overview_region_filter_changes_the_figures(app):
    at = app(as_of="2023-06-30", region="AFR")
    assert not at.exception
    assert metrics(at)["EoIs"] == "2"
    # Milestones belong to the whole Alliance: in a regional view the tiles say so.
    assert metrics(at)["Milestones done"] == "1"
    captions = [c.value for c in at.caption]
    assert captions.count("Alliance-wide: milestones belong to the whole Alliance, not to one region.") == 2
    assert any("overdue as at 30 June 2023 (Alliance-wide)" in s.value for s in [*at.success, *at.warning, *at.error])
    assert "##### Overdue milestones at 30 June 2023, Alliance-wide (1)" in [m.value for m in at.markdown]


def test_overview_bad_url_values_fall_back_with_a_notice(app):
    at = app(as_of="not-a-date", region="XYZ")
    assert not at.exception
    notices = " ".join(w.value for w in at.sidebar.warning)
    assert "not a date" in notices and "'XYZ' is unknown" in notices
    assert at.selectbox(key="region").value == "all"


def test_overview_eoi_chart_marks_the_first_deadline(app):
    at = app(as_of="2023-06-30")
    [chart] = at.get("plotly_chart")
    spec = chart.proto.spec
    assert "First deadline, 15 April 2023" in spec
    assert "EoIs received, all regions, in the period 25 January 2023 to 30 June 2023 (running total" in " ".join(
        m.value for m in at.markdown
    )


@pytest.mark.parametrize(
    ("language", "headers"),
    [
        ("en", ["Received on", "EoIs received that day", "Running total"]),
        ("fr", ["Reçues le", "Manifestations d’intérêt reçues ce jour-là", "Total cumulé"]),
    ],
)
def test_overview_eoi_table_has_readable_headers_in_the_language_spoken(app, language, headers):
    at = app(as_of="2023-06-30", lang=language)
    at.session_state["table_eois_over_time"] = True  # the table behind the chart, opened
    at = at.run()
    [table] = [d.value for d in at.dataframe if list(d.value.columns) == headers]
    assert table[headers[2]].iloc[-1] == table[headers[1]].sum()  # the running total ends at every EoI counted


def test_overview_lists_overdue_milestones(app):
    at = app(as_of="2023-06-30")
    assert "Overdue milestones at 30 June 2023 (1)" in " ".join(m.value for m in at.markdown)
