"""Write workbooks in the upload format: the whole store (export) or an empty template."""

from datetime import date

import xlsxwriter

from alliance.schema import CHOICES, KPI_PATHS, SHEETS
from alliance.text import escape_formula

# The template's own sheets beside those of the upload format: an upload ignores them without a notice.
TEMPLATE_SHEETS = ("Instructions", "Lists")

INSTRUCTIONS = [
    "How to fill this workbook",
    "",
    "Fill any of the sheets; leave the others empty or delete them. Other sheets (like this one) are ignored.",
    "The first non-empty row of a sheet is its header. Column names match whatever their case, spaces, hyphens or underscores.",
    "A row is identified by its id column: loading a row whose id exists updates that row.",
    "Dates: a real date, 2023-04-15, 15/04/2023 (day first) or 15 April 2023.",
    "Countries: the ISO alpha-3 code (KOR) or the name as ITU, the UN or ISO writes it (Korea (Rep. of)).",
    "Choice columns take the code or its label; the drop-down lists show the codes.",
    "List columns (capabilities, regional_initiatives) take several values separated by ; or ,",
    "Required columns are marked with * in the comment on their header.",
    "Upload on the Upload page, or: python -m alliance load FILE.xlsx",
]


def export(con, out: str) -> dict[str, int]:
    """Write every sheet of the store to `out` in the upload format; return rows per sheet."""
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    bold = workbook.add_format({"bold": True})
    counts = {}
    try:
        for sheet in SHEETS.values():
            columns = list(dict.fromkeys([*sheet.names, "source"]))  # the Reported sheet has its own source
            titles = {c.name: c.title for c in sheet.columns}
            worksheet = workbook.add_worksheet(sheet.label)
            worksheet.write_row(0, 0, [titles.get(c, c) for c in columns], bold)
            order = ", ".join(sheet.key)
            result = con.execute(f"select {', '.join(columns)} from {sheet.table} order by {order}")
            n = 0
            while batch := result.fetchmany(5000):
                for row in batch:
                    n += 1
                    for c, value in enumerate(row):
                        _write(worksheet, n, c, value, date_format)
            counts[sheet.table] = n
    finally:
        workbook.close()
    return counts


def _write(worksheet, row: int, col: int, value, date_format) -> None:
    if value is None:
        return
    if isinstance(value, list):
        value = "; ".join(value)
    if isinstance(value, date):
        worksheet.write_datetime(row, col, value, date_format)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        worksheet.write_number(row, col, value)
    else:
        worksheet.write_string(row, col, escape_formula(str(value)))


def template(con, out: str) -> None:
    """Write an empty upload workbook: instructions, headers, and drop-down lists of allowed values.

    Every cell is formula-escaped: the lists hold values from the store (initiative and outcome codes
    an analyst uploaded), and a value picked from a drop-down is entered as if typed.
    """
    workbook = xlsxwriter.Workbook(out, {"strings_to_formulas": False, "strings_to_urls": False})
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7"})
    try:
        info = workbook.add_worksheet(TEMPLATE_SHEETS[0])
        info.set_column(0, 0, 120)
        for i, line in enumerate(INSTRUCTIONS):
            info.write_string(i, 0, escape_formula(line), bold if i == 0 else None)
        lists = _allowed_values(con)
        for sheet in SHEETS.values():
            worksheet = workbook.add_worksheet(sheet.label)
            for c, column in enumerate(sheet.columns):
                worksheet.write_string(0, c, escape_formula(column.title), bold)
                worksheet.set_column(c, c, max(14, len(column.title) + 2))
                worksheet.write_comment(0, c, f"{'* required. ' if column.required else ''}{_describe(column)}")
                name = column.choices or column.kind
                if name in lists and column.kind not in ("capabilities", "initiatives"):
                    worksheet.data_validation(
                        1,
                        c,
                        5000,
                        c,
                        {
                            "validate": "list",
                            "source": f"={TEMPLATE_SHEETS[1]}!${_letter(lists[name][0])}$2:${_letter(lists[name][0])}${lists[name][1] + 1}",
                        },
                    )
            worksheet.freeze_panes(1, 0)
        sheet_lists = workbook.add_worksheet(TEMPLATE_SHEETS[1])
        for name, (col, _, values) in lists.items():
            sheet_lists.write_string(0, col, escape_formula(name), bold)
            for r, value in enumerate(values, start=1):
                sheet_lists.write_string(r, col, escape_formula(str(value)))
        sheet_lists.hide()
    finally:
        workbook.close()


def _allowed_values(con) -> dict[str, tuple[int, int, list[str]]]:
    values = {name: list(codes) for name, codes in CHOICES.items()}
    values["center_type"] = [c for (c,) in con.execute("select center_type_code from center_types").fetchall()]
    values["country"] = [n for (n,) in con.execute("select itu_name from countries order by itu_name").fetchall()]
    values["initiative"] = sorted({c for (c,) in con.execute("select code from initiatives").fetchall()})
    values["outcome"] = sorted({c for (c,) in con.execute("select code from outcomes").fetchall()})
    values["kpi"] = [k for (k,) in con.execute("select kpi_code from kpis").fetchall()]
    values["region"] = ["AFR", "AMS", "ARB", "ASP", "CIS", "EUR"]
    values["kpi_path"] = list(KPI_PATHS)
    values["cycle"] = [c for (c,) in con.execute("select cycle from cycles order by starts_on").fetchall()]
    return {name: (i, len(v), v) for i, (name, v) in enumerate(values.items())}


def _describe(column) -> str:
    return {
        "date": "A date.",
        "country": "ISO alpha-3 code or country name.",
        "int": "A whole number, 0 or more.",
        "number": "A number, 0 or more.",
        "capabilities": "Capability codes (TRR, OTI, ESM, PEX, EIA) separated by ;",
        "initiatives": "Regional initiative codes separated by ;",
        "kpi_path": "A figure of the KPI summary, as the command line's JSON names it, e.g. eois.total.",
    }.get(
        column.kind,
        "Pick from the list." if column.kind in ("choice", "initiative", "outcome", "kpi", "region", "cycle") else "Text.",
    )


def _letter(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def frame_to_csv(frame) -> bytes:
    """A table as CSV (UTF-8 with BOM for Excel), formula-escaped, headers too (a pivot's come from data)."""
    frame = frame.map(escape_formula).rename(columns=lambda c: escape_formula(str(c)))
    return frame.to_csv(index=False).encode("utf-8-sig")


def frames_to_xlsx(frames: dict, right_to_left: bool = False) -> bytes:
    """Tables as an .xlsx workbook, one sheet each, formula-escaped (right_to_left: sheets laid out right to left)."""
    import io

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    bold = workbook.add_format({"bold": True})
    try:
        for name, frame in frames.items():
            worksheet = workbook.add_worksheet(_sheet_name(name))
            if right_to_left:
                worksheet.right_to_left()
            worksheet.write_row(0, 0, [escape_formula(str(c)) for c in frame.columns], bold)
            for r, row in enumerate(frame.itertuples(index=False), start=1):
                for c, value in enumerate(row):
                    _write(worksheet, r, c, _plain(value), date_format)
    finally:
        workbook.close()
    return buffer.getvalue()


def _sheet_name(name: str) -> str:
    for bad in "[]:*?/\\":
        name = name.replace(bad, " ")
    return name[:31] or "Sheet"


def _plain(value):
    """Turn pandas and numpy scalars into what xlsxwriter writes."""
    if value is None:
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):
        value = value.item()
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime().date()
    if isinstance(value, list | tuple):
        return "; ".join(map(str, value))
    return value
