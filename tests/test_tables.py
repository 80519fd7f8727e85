"""Tables fit the page: long text columns are narrowed, dates read in words and still sort as dates."""

import json
from datetime import date

import pandas as pd

from components.charts import TABLE_WIDTH_PX, fitted_widths


def _widths(grid) -> dict[str, int]:
    config = json.loads(grid.proto.columns)
    return {name: column["width"] for name, column in config.items() if isinstance(column.get("width"), int)}


def test_table_narrower_than_the_page_keeps_its_natural_widths():
    frame = pd.DataFrame({"Kind": ["EoI"], "Country": ["Kenya"], "EoIs": [3]})
    assert fitted_widths(frame) == {}


def test_wide_table_is_narrowed_to_the_page_widest_columns_first():
    long = "Establish a center (Innovation and Digital Transformation Acceleration Center)"
    frame = pd.DataFrame({"Kind": ["EoI"] * 4, "Request": [long] * 4, "Organization": [long[:60]] * 4, "Note": [long] * 4})
    widths = fitted_widths(frame)
    assert set(widths) == {"Request", "Organization", "Note"}  # "Kind" is short and keeps its width
    natural_kind = 60
    assert natural_kind + sum(widths.values()) <= TABLE_WIDTH_PX
    assert len(set(widths.values())) == 1  # one cap for every narrowed column


def test_centers_directory_fits_the_page_and_writes_dates_in_words(app):
    at = app("centers", as_of="2024-06-30")
    assert not at.exception
    grid = next(d for d in at.dataframe if "Organization or center" in d.value.columns)
    config = json.loads(grid.proto.columns)
    assert sum(_widths(grid).values()) <= TABLE_WIDTH_PX
    assert _widths(grid), "the directory is wider than the page unless narrowed"
    # Nine columns would not fit: the grid draws the ones a reader scans, the downloads carry the rest.
    assert "Capabilities" not in grid.value.columns and "Organization or center" in grid.value.columns
    assert any("The downloads also give City, Capabilities and Demo." in c.value for c in at.caption)
    dated = [c for c, v in grid.value.items() if any(isinstance(x, date) for x in v)]
    assert dated and all(config[c]["type_config"]["format"] == "D MMMM YYYY" for c in dated)


def test_milestones_table_shows_outcomes_in_words_and_unstated_due_dates_plainly(app):
    at = app("milestones", as_of="2024-06-30")
    assert not at.exception
    table = next(d.value for d in at.dataframe if "KAP outcome" in d.value.columns and "Completed" in d.value.columns)
    outcomes = {o for o in table["KAP outcome"] if isinstance(o, str) and o}
    assert outcomes and all(": " in o for o in outcomes), outcomes  # "DT2: Enhanced human and institutional ..."
    assert not any(str(d).startswith("date not stated") for d in table["Due"])


def test_unstated_due_date_reads_not_stated_not_the_time_line_stand_in():
    from components.milestones import _due

    due = pd.Series([date(2023, 5, 10), date(2023, 6, 30), date(2024, 1, 1)])
    assert _due(due, pd.Series(["not_stated", "day", "year"])) == ["not stated", "30 June 2023", "2024 (month not stated)"]


def test_a_figure_is_built_once_for_every_session_showing_the_same_content():
    from components.charts import figure

    built = []

    def bars(frame, title):
        built.append(title)
        return object()

    frame = pd.DataFrame({"region": ["Africa", "Europe"], "eois": [3, 4]})
    first = figure(bars, frame, "EoIs")
    assert figure(bars, frame.copy(), "EoIs") is first  # another session's frame with the same rows
    assert figure(bars, frame.assign(eois=[3, 5]), "EoIs") is not first  # one value differs
    assert figure(bars, frame.iloc[::-1], "EoIs") is not first  # the same rows in another order
    assert figure(bars, frame, "Centers") is not first
    assert built == ["EoIs", "EoIs", "EoIs", "Centers"]


def test_a_frame_that_cannot_be_fingerprinted_builds_its_own_figure():
    from components.charts import figure

    built = []
    frame = pd.DataFrame({"capabilities": [["P1", "P2"]]})
    figure(lambda f: built.append(1), frame)
    figure(lambda f: built.append(1), frame)
    assert built == [1, 1]


def test_a_closed_table_behind_a_chart_sends_no_grid_and_opening_it_shows_the_table(app):
    at = app("capabilities", as_of="2024-06-30")
    assert not at.exception
    keys = [e.proto.id.split("-", 2)[-1] for e in at.expander if e.proto.label == "Table behind this chart"]
    assert keys and all(k.startswith("table_") for k in keys)
    shown = len(at.dataframe)
    at.session_state[keys[0]] = True
    at.run()
    assert not at.exception
    assert len(at.dataframe) == shown + 1
    assert [b.label for b in at.get("download_button")][-2:] == ["CSV", "Excel"]
