"""Build the workbooks the tests load: an analyst's real-looking register and broken variants."""

import zipfile
from datetime import date, datetime
from xml.sax.saxutils import escape, quoteattr

import openpyxl


def analyst_register(path, eoi_rows=None) -> None:
    """Write a register as analysts keep it: mixed date formats, ITU names, labels, extras."""
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Read me"
    notes["A1"] = "Alliance register, kept by the BDT innovation team"
    eois = wb.create_sheet(" Expressions of Interest ")
    eois.append(["Alliance EoI register (title row above the header)"])
    eois.append([])
    eois.append(
        [
            "EoI ID",
            "Received on",
            "Country",
            "Organisation",
            "Organisation type",
            "Request",
            "Centre type",
            "Capabilities",
            "Status",
            "Call round",
            "Focal point e-mail",
        ]
    )
    rows = eoi_rows or [
        [
            "E-001",
            datetime(2023, 2, 1),
            "Korea (Rep. of)",
            "Ministry of Science and ICT",
            "Government",
            "Establish a centre",
            "Technology Acceleration Centre",
            "TRR; OTI",
            "Under review",
            "2023-R1",
            "a@example.org",
        ],
        [
            "E-002",
            "15/03/2023",
            "Türkiye",
            "ICTA",
            "regulator",
            "strengthen_center",
            "IDTAC",
            "Entrepreneurship and SMEs growth, PEX",
            "VALIDATED",
            "2023-R1",
            "",
        ],
        [
            "E-003",
            "15 April 2023",
            "cote d'ivoire",
            "Université FHB",
            "Academia",
            "Join the network",
            "",
            "EIA",
            "received",
            "2023-R1",
            "",
        ],
        [
            "E-004",
            "Apr 16, 2023",
            "KEN",
            "Konza Technopolis",
            "Private sector",
            "establish-center",
            "REEC",
            "ESM",
            "onboarded",
            "2023-R2",
            "",
        ],
        ["E-005", "16.04.2023", "Viet Nam", "MIC Viet Nam", "government", "Other", "", "", "declined", "", ""],
    ]
    for row in rows:
        eois.append(row)
    eois.append([None] * 11)
    eois.append(["", "  ", None])
    centres = wb.create_sheet("Centres")
    centres.append(
        [
            "Centre ID",
            "Name",
            "Country",
            "City",
            "Centre type",
            "Scope",
            "Ownership",
            "Host organisation",
            "Status",
            "Launched on",
            "EoI ID",
            "Capabilities",
            "Comments",
        ]
    )
    centres.append(
        [
            "C-01",
            "Seoul Acceleration Centre",
            "Republic of Korea",
            "Seoul",
            "TAC",
            "Regional",
            "Host country",
            "MSIT",
            "Launched",
            date(2023, 9, 1),
            "E-001",
            "TRR;OTI",
            "first",
        ]
    )
    centres.append(
        [
            "C-02",
            "Nairobi Hub",
            "Kenya",
            "Nairobi",
            "Research and Entrepreneurship Excellence Centre",
            "national",
            "academia",
            "",
            "selected",
            "",
            "E-004",
            "ESM",
            "",
        ]
    )
    pivot = wb.create_sheet("Pivot")
    pivot["A1"] = "Region"
    pivot["B1"] = "Count"
    wb.save(path)


def _cell(text: str) -> str:
    """A cell's text as OOXML writes what XML cannot hold (_x001B_)."""
    return escape("".join(f"_x{ord(c):04X}_" if ord(c) < 32 and c not in "\t\n\r" else c for c in text))


def workbook_named(path, sheet_name: str, rows: list[list[str]], other_sheet: str | None = None):
    """An .xlsx written part by part: openpyxl refuses an escape character in a cell. The sheet's name may hold a
    line break (written &#10;, which XML keeps in an attribute)."""
    names = [sheet_name] + ([other_sheet] if other_sheet else [])
    data = "".join(
        f'<row r="{r}">'
        + "".join(
            f'<c r="{chr(65 + i)}{r}" t="inlineStr"><is><t xml:space="preserve">{_cell(v)}</t></is></c>'
            for i, v in enumerate(row)
        )
        + "</row>"
        for r, row in enumerate(rows, 1)
    )
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rels = "http://schemas.openxmlformats.org/package/2006/relationships"
    doc = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{sheet}"/>' for i in range(1, len(names) + 1))
        + "</Types>",
        "_rels/.rels": f'<Relationships xmlns="{rels}"><Relationship Id="rId1" Type="{doc}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{doc}"><sheets>'
        + "".join(
            f'<sheet name={quoteattr(n).replace(chr(10), "&#10;")} sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, 1)
        )
        + "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{rels}">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{doc}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(names) + 1)
        )
        + "</Relationships>",
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}"><sheetData>{data}</sheetData></worksheet>',
    }
    if other_sheet:
        parts["xl/worksheets/sheet2.xml"] = f'<worksheet xmlns="{main}"><sheetData/></worksheet>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, text in parts.items():
            archive.writestr(part, '<?xml version="1.0" encoding="UTF-8"?>\n' + text)
    return path
