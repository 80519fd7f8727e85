"""The reading process writes Arrow IPC streams by hand (no pyarrow in it): pyarrow reads back every cell as it was."""

from datetime import date, datetime, time, timedelta

import pyarrow as pa
import pyarrow.ipc
import pytest

from alliance.ingest.arrow_ipc import encode, write_stream
from alliance.ingest.sheets import from_rows

COLUMNS = {
    "texts": ["EoI 1", "Côte d'Ivoire", "", "x" * 1000, "日本"],
    "texts and blanks": ["a", None, "", None, "€"],
    "numbers": [1.5, 0.0, -2.25, 1e300, 45000.0],
    "whole numbers": [1, -1, 2**62, 0, 7],
    "booleans": [True, False, False, True, True],
    "dates": [date(2023, 4, 15), date(1899, 12, 30), date(2099, 12, 31), date(1970, 1, 1), date(2000, 2, 29)],
    "moments": [datetime(2023, 4, 15, 13, 30), datetime(1969, 7, 20, 20, 17, 40, 123456), None, datetime(2023, 1, 1), None],
    "times and durations": [time(13, 30, 1, 5), timedelta(days=2, microseconds=3), time(0), timedelta(hours=-1), None],
    "a column of every kind": ["15/04/2023", date(2023, 4, 15), 45031.0, True, 3],
    "blanks only": [None, None, None, None, None],
}


def read_back(path) -> pa.Table:
    table = pa.ipc.open_stream(pa.memory_map(str(path))).read_all()
    table.validate(full=True)
    return table


@pytest.mark.parametrize("cells", COLUMNS.values(), ids=COLUMNS.keys())
def test_every_cell_reads_back_as_it_was_with_its_type(tmp_path, cells):
    write_stream(tmp_path / "c.arrows", [(f"0:{part[0]}", part) for part in encode(cells)], len(cells))
    table = read_back(tmp_path / "c.arrows")
    merged = [None] * len(cells)
    for name in table.column_names:
        for i, value in enumerate(table.column(name).to_pylist()):
            if value is not None:
                assert merged[i] is None, "a cell in two kinds"
                merged[i] = value
    assert merged == cells and list(map(type, merged)) == list(map(type, cells))


def test_a_column_of_texts_only_is_one_text_column_without_nulls(tmp_path):
    assert [(kind, nulls) for kind, nulls, _ in encode(COLUMNS["texts"])] == [("str", 0)]
    assert [kind for kind, _, _ in encode(COLUMNS["a column of every kind"])] == ["str", "float", "int", "bool", "date"]


def test_a_sheet_held_in_memory_is_built_as_the_reading_process_writes_it():
    rows = [["eoi_id", "received_on"], ["E1", date(2023, 4, 15)], ["E2"], []]
    sheet = from_rows("EoIs", rows)
    assert sheet.rows() == [["eoi_id", "received_on"], ["E1", date(2023, 4, 15)], ["E2", None], [None, None]]
    assert (sheet.width, sheet.num_rows, list(sheet.row_numbers)) == (2, 4, [1, 2, 3, 4])
    assert sheet.cells.column_names == ["0:str", "1:str", "1:date"]
