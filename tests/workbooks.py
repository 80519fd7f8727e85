"""Build the workbooks the tests load: an analyst's real-looking register and broken variants."""

from datetime import date, datetime

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
