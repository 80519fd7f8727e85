"""A small register whose KPIs were counted by hand (see the expected figures below)."""

from datetime import date

import openpyxl

AS_OF = date(2023, 6, 30)

SHEETS = {
    "EoIs": [
        [
            "eoi_id",
            "received_on",
            "country",
            "organization",
            "organization_type",
            "request",
            "center_type",
            "capabilities",
            "status",
            "call_round",
        ],
        ["E1", "2023-02-01", "KOR", "Ministry A", "government", "establish_center", "TAC", "TRR;OTI", "validated", "2023-R1"],
        ["E2", "2023-03-15", "KEN", "University B", "academia", "strengthen_center", "REEC", "ESM", "under_review", "2023-R1"],
        ["E3", "2023-04-15", "KEN", "Company C", "private_sector", "join_network", "", "ESM;PEX", "received", "2023-R1"],
        ["E4", "2023-05-10", "BRA", "Ministry D", "government", "establish_center", "IDTAC", "EIA", "onboarded", "2023-R2"],
        ["E5", "2023-07-01", "EGY", "Regulator E", "regulator", "other", "", "", "declined", "2023-R2"],
        ["E6", "2023-06-30", "KAZ", "Ministry F", "government", "establish_center", "IAC", "TRR", "withdrawn", "2023-R2"],
        ["E7", "2023-01-30", "DEU", "University G", "academia", "join_network", "", "OTI", "received", "2023-R1"],
    ],
    "Centers": [
        [
            "center_id",
            "name",
            "country",
            "city",
            "center_type",
            "scope",
            "ownership",
            "host_organization",
            "status",
            "launched_on",
            "eoi_id",
            "capabilities",
        ],
        ["C1", "Center One", "KOR", "Seoul", "TAC", "regional", "host_country", "", "launched", "2023-05-01", "E1", "TRR;OTI"],
        ["C2", "Center Two", "KEN", "Nairobi", "REEC", "national", "academia", "", "launched", "2023-08-01", "E2", "ESM"],
        ["C3", "Center Three", "BRA", "Brasília", "IDTAC", "national", "host_country", "", "selected", "", "E4", "EIA;ESM"],
        ["C4", "Center Four", "DEU", "Berlin", "IAC", "national", "existing_institution", "", "closed", "", "", "OTI"],
    ],
    "Events": [
        [
            "event_id",
            "title",
            "start_date",
            "end_date",
            "event_type",
            "format",
            "country",
            "city",
            "participants",
            "countries_represented",
            "trained_certified",
            "partners",
            "capabilities",
            "regional_initiatives",
        ],
        ["V1", "Forum", "2023-03-23", "2023-03-23", "forum", "in_person", "IND", "New Delhi", "120", "", "20", "", "", "ASP4"],
        ["V2", "Webinar", "2023-04-04", "", "webinar", "virtual", "", "", "300", "", "", "", "", ""],
        ["V3", "Workshop", "2023-05-08", "2023-05-10", "workshop", "in_person", "CHE", "Geneva", "", "", "", "", "", ""],
        ["V4", "Training", "2023-09-01", "", "training", "in_person", "KEN", "Nairobi", "50", "", "50", "", "", "AFR4"],
    ],
    "Activities": [
        [
            "activity_id",
            "regional_initiative",
            "title",
            "product",
            "country",
            "start_date",
            "status",
            "kap_outcome",
            "beneficiaries",
        ],
        ["A1", "AFR4", "Assessment", "innovation_assessment", "KEN", "2023-03-01", "completed", "DT1", "30"],
        ["A2", "AFR4", "Regional training", "capacity_building", "", "2023-05-01", "ongoing", "DT2", ""],
        ["A3", "EUR5", "Good practices", "knowledge_sharing", "DEU", "2023-06-01", "completed", "", ""],
        ["A4", "ASP4", "Co-creation", "project_cocreation", "IND", "2023-08-01", "planned", "", ""],
    ],
    "Milestones": [
        ["milestone_id", "title", "kap_outcome", "due_on", "completed_on", "owner"],
        ["M1", "Launch", "DT1", "2023-01-25", "2023-01-25", "BDT"],
        ["M2", "First centers", "DT1", "2023-06-30", "2023-07-15", "BDT"],
        ["M3", "Playbooks", "DT2", "2023-05-31", "", "BDT"],
        ["M4", "Board", "", "2023-12-31", "", "BDT"],
    ],
    "Resources": [
        ["resource_id", "partner", "kind", "amount_usd", "signed_on", "country"],
        ["R1", "MIC Japan", "voluntary_contribution", "304000", "2023-05-01", "JPN"],
        ["R2", "UN OICT", "declaration_of_intent", "", "2023-04-03", ""],
        ["R3", "Partner K", "in_kind", "1000.5", "2023-08-01", "KEN"],
    ],
}


def write(path, sheets: dict | None = None) -> None:
    """Write the hand-counted register (or the sheets given, name to rows) as an .xlsx workbook."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in (sheets or SHEETS).items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)


EXPECTED_ALL = {
    "as_of": "2023-06-30",
    "from": None,
    "region": None,
    "eois": {
        "total": 6,
        "countries": 5,
        "center_requests": 4,
        "by_region": {"AFR": 2, "AMS": 1, "ARB": 0, "ASP": 1, "CIS": 1, "EUR": 1},
        "by_status": {"received": 2, "under_review": 1, "validated": 1, "declined": 0, "withdrawn": 1, "onboarded": 1},
    },
    "centers": {
        "total": 4,
        "launched": 1,
        "by_region": {"AFR": 1, "AMS": 1, "ARB": 0, "ASP": 1, "CIS": 0, "EUR": 1},
        "by_type": {"TAC": 1, "REEC": 1, "IDTAC": 1, "IAC": 1},
    },
    "capabilities": {
        "TRR": {"eois": 2, "centers": 1},
        "OTI": {"eois": 2, "centers": 1},
        "ESM": {"eois": 2, "centers": 2},
        "PEX": {"eois": 1, "centers": 0},
        "EIA": {"eois": 1, "centers": 1},
    },
    "events": {
        "total": 3,
        "participants": 420,
        "participants_stated": 2,  # V3 states none: a blank is unknown, never 0
        "trained_certified": 20,
        "trained_stated": 1,
        "by_region": {"AFR": 0, "AMS": 0, "ARB": 0, "ASP": 1, "CIS": 0, "EUR": 1, "GLB": 1},
    },
    "activities": {"total": 3, "completed": 2, "by_initiative": {"AFR4": 2, "EUR5": 1}},
    "milestones": {"total": 4, "done": 1, "overdue": 1},
    "resources_usd": 304000,
    "reported": [],
}

EXPECTED_AFR = {
    "as_of": "2023-06-30",
    "from": None,
    "region": "AFR",
    "eois": {
        "total": 2,
        "countries": 1,
        "center_requests": 1,
        "by_region": {"AFR": 2, "AMS": 0, "ARB": 0, "ASP": 0, "CIS": 0, "EUR": 0},
        "by_status": {"received": 1, "under_review": 1, "validated": 0, "declined": 0, "withdrawn": 0, "onboarded": 0},
    },
    "centers": {
        "total": 1,
        "launched": 0,
        "by_region": {"AFR": 1, "AMS": 0, "ARB": 0, "ASP": 0, "CIS": 0, "EUR": 0},
        "by_type": {"TAC": 0, "REEC": 1, "IDTAC": 0, "IAC": 0},
    },
    "capabilities": {
        "TRR": {"eois": 0, "centers": 0},
        "OTI": {"eois": 0, "centers": 0},
        "ESM": {"eois": 2, "centers": 1},
        "PEX": {"eois": 1, "centers": 0},
        "EIA": {"eois": 0, "centers": 0},
    },
    "events": {
        "total": 0,
        "participants": None,  # no event counted, so none states it: not recorded
        "participants_stated": 0,
        "trained_certified": None,
        "trained_stated": 0,
        "by_region": {"AFR": 0, "AMS": 0, "ARB": 0, "ASP": 0, "CIS": 0, "EUR": 0, "GLB": 0},
    },
    "activities": {"total": 2, "completed": 1, "by_initiative": {"AFR4": 2}},
    "milestones": {"total": 4, "done": 1, "overdue": 1},
    "resources_usd": 0,  # R1 (Japan) is for no region: the whole Alliance's, in no region's figures
    "reported": [],
}
