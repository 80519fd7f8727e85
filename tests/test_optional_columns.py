"""Every sheet loads with its required columns alone, and with each optional column on its own."""

import pytest

from alliance.ingest.load import load_file
from alliance.schema import EXTRA_COLUMNS, SHEETS

# One valid value per column kind, for a row dated 2023-05-01 (a Kigali-cycle row).
VALUES = {
    "text": "Text",
    "date": "2023-05-01",
    "country": "KEN",
    "capabilities": "TRR",
    "initiative": "AFR4",
    "initiatives": "AFR4",
    "outcome": "DT1",
    "int": "5",
    "number": "10",
    "kpi": "eois_total",
    "kpi_path": "eois.total",
    "region": "AFR",
    "cycle": "WTDC-22",
    "code": "X1",
    "bool": "true",
}
CHOICES = {"center_status": "selected", "eoi_status": "received", "activity_status": "planned", "product": "knowledge_sharing"}


def _value(sheet, column) -> str:
    if column.kind == "choice":
        if column.choices in CHOICES:
            return CHOICES[column.choices]
        from alliance.schema import CHOICES as ALL_CHOICES

        return "TAC" if column.choices == "center_type" else next(iter(ALL_CHOICES[column.choices]))
    if sheet.table == "initiatives" and column.name == "code":
        return "AFR9"
    if sheet.table == "outcomes" and column.name == "priority":
        return "P2"
    return VALUES[column.kind]


CASES = [
    (table, column.name if column else None)
    for table, sheet in SHEETS.items()
    # The Reported sheet's source is its own required column, not the optional extra one.
    for column in (None, *[c for c in sheet.columns if not c.required], *[c for c in EXTRA_COLUMNS if c.name not in sheet.names])
]


@pytest.mark.parametrize("table, optional", CASES, ids=lambda v: str(v))
def test_sheet_loads_with_required_columns_and_one_optional_column(empty_store, tmp_path, table, optional):
    """The contract's Targets sheet (without kap_outcome) once failed: its optional column was in the merge key."""
    sheet = SHEETS[table]
    columns = [
        c for c in (*sheet.columns, *[c for c in EXTRA_COLUMNS if c.name not in sheet.names]) if c.required or c.name == optional
    ]
    if table == "centers" and optional == "eoi_id":
        eois = tmp_path / "eois.csv"
        eois.write_text("eoi_id,received_on,country,organization,request,status\nText,2023-05-01,KEN,Org,other,received\n")
        load_file(empty_store, eois)
    path = tmp_path / f"{table}.csv"
    path.write_text(",".join(c.name for c in columns) + "\n" + ",".join(_value(sheet, c) for c in columns) + "\n")
    assert load_file(empty_store, path).sheets[table]["inserted"] == 1
    assert load_file(empty_store, path).sheets[table]["unchanged"] == 1
