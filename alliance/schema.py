"""The upload contract as data: sheets, columns, types and allowed values."""

import re
from dataclasses import dataclass

from alliance.text import key

# Column kinds: text, date, country, choice, capabilities, initiative, initiatives, outcome,
# int (whole number >= 0), number (>= 0), kpi, kpi_path, region, bool.


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = False
    choices: str | None = None
    # The header the contract gives the column, where the store's name differs (`from` is an SQL keyword).
    header: str | None = None

    @property
    def title(self) -> str:
        return self.header or self.name


@dataclass(frozen=True)
class Sheet:
    table: str
    label: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()
    reference: bool = False

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


CHOICES: dict[str, dict[str, str]] = {
    # code -> label; labels match too (data contract, section 1).
    "organization_type": {
        "government": "Government",
        "regulator": "Regulator",
        "academia": "Academia",
        "private_sector": "Private sector",
        "civil_society": "Civil society",
        "international_org": "International organization",
        "other": "Other",
    },
    "request": {
        "establish_center": "Establish a center",
        "strengthen_center": "Strengthen a center",
        "join_network": "Join the network",
        "other": "Other",
    },
    "eoi_status": {
        "received": "Received",
        "under_review": "Under review",
        "validated": "Validated",
        "declined": "Declined",
        "withdrawn": "Withdrawn",
        "onboarded": "Onboarded",
    },
    "scope": {"global": "Global", "regional": "Regional", "national": "National"},
    "ownership": {
        "itu": "ITU",
        "host_country": "Host country",
        "academia": "Academia",
        "existing_institution": "Existing institution",
    },
    "center_status": {
        "prospective": "Prospective",
        "selected": "Selected",
        "launched": "Launched",
        "suspended": "Suspended",
        "closed": "Closed",
    },
    "event_type": {
        "forum": "Forum",
        "workshop": "Workshop",
        "training": "Training",
        "high_level_session": "High-level session",
        "webinar": "Webinar",
        "board_meeting": "Board meeting",
        "members_forum": "Members' forum",
        "other": "Other",
    },
    "format": {"in_person": "In person", "virtual": "Virtual", "hybrid": "Hybrid"},
    "product": {
        "knowledge_sharing": "Knowledge sharing",
        "capacity_building": "Capacity building",
        "innovation_assessment": "Innovation assessment",
        "project_cocreation": "Project co-creation",
    },
    "activity_status": {
        "planned": "Planned",
        "ongoing": "Ongoing",
        "completed": "Completed",
        "cancelled": "Cancelled",
    },
    # How exact a row's main date is (not in the contract: built-in rows from the seeds use it).
    "date_precision": {"day": "Day", "month": "Month", "year": "Year", "not_stated": "Not stated"},
    "qualifier": {"exact": "Exact", "over": "Over", "nearly": "Nearly", "about": "About"},
    "resource_kind": {
        "voluntary_contribution": "Voluntary contribution",
        "in_kind": "In kind",
        "declaration_of_intent": "Declaration of intent",
        "mou": "Memorandum of understanding",
        "other": "Other",
    },
}

# Spellings people write that are not the code or the label.
CHOICE_ALIASES: dict[str, dict[str, str]] = {
    "activity_status": {"canceled": "cancelled", "done": "completed", "in_progress": "ongoing"},
    "format": {"online": "virtual", "face_to_face": "in_person", "inperson": "in_person"},
    "organization_type": {"international_organization": "international_org", "private": "private_sector"},
    "product": {"co_creation": "project_cocreation", "project_co_creation": "project_cocreation"},
    # "Roughly 60" is about 60: the closest spelling, "nearly", would claim less than 60.
    "qualifier": {"roughly": "about", "approximately": "about", "circa": "about", "more_than": "over", "almost": "nearly"},
    "resource_kind": {"memorandum_of_understanding": "mou", "doi": "declaration_of_intent"},
}

C = Column
SHEETS: dict[str, Sheet] = {
    s.table: s
    for s in (
        Sheet(
            "eois",
            "EoIs",
            ("eoi_id",),
            (
                C("eoi_id", "text", True),
                C("received_on", "date", True),
                C("country", "country", True),
                C("organization", "text", True),
                C("organization_type", "choice", choices="organization_type"),
                C("request", "choice", True, "request"),
                C("center_type", "choice", choices="center_type"),
                C("capabilities", "capabilities"),
                C("status", "choice", True, "eoi_status"),
                C("call_round", "text"),
            ),
            aliases=("eoi", "expressions_of_interest", "expression_of_interest"),
        ),
        Sheet(
            "centers",
            "Centers",
            ("center_id",),
            (
                C("center_id", "text", True),
                C("name", "text", True),
                C("country", "country", True),
                C("city", "text"),
                C("center_type", "choice", True, "center_type"),
                C("scope", "choice", True, "scope"),
                C("ownership", "choice", choices="ownership"),
                C("host_organization", "text"),
                C("status", "choice", True, "center_status"),
                C("selected_on", "date"),
                C("launched_on", "date"),
                C("eoi_id", "text"),
                C("capabilities", "capabilities"),
            ),
            aliases=("center", "acceleration_centers"),
        ),
        Sheet(
            "events",
            "Events",
            ("event_id",),
            (
                C("event_id", "text", True),
                C("title", "text", True),
                C("start_date", "date", True),
                C("end_date", "date"),
                C("event_type", "choice", True, "event_type"),
                C("format", "choice", choices="format"),
                C("country", "country"),
                C("city", "text"),
                C("participants", "int"),
                C("countries_represented", "int"),
                C("trained_certified", "int"),
                C("partners", "text"),
                C("capabilities", "capabilities"),
                C("regional_initiatives", "initiatives"),
                # Not in the contract (the app may accept more): the product line an event counts as
                # in the actions-by-region table, how exact its start date is, and whether its
                # participants are "over" the number given.
                C("product", "choice", choices="product"),
                C("date_precision", "choice", choices="date_precision"),
                C("participants_over", "bool"),
            ),
            aliases=("event",),
        ),
        Sheet(
            "activities",
            "Activities",
            ("activity_id",),
            (
                C("activity_id", "text", True),
                C("regional_initiative", "initiative", True),
                C("title", "text", True),
                C("product", "choice", True, "product"),
                C("country", "country"),
                C("start_date", "date", True),
                C("status", "choice", True, "activity_status"),
                C("kap_outcome", "outcome"),
                C("beneficiaries", "int"),
                C("date_precision", "choice", choices="date_precision"),
            ),
            aliases=("activity", "regional_initiative_activities", "ri_activities"),
        ),
        Sheet(
            "milestones",
            "Milestones",
            ("milestone_id",),
            (
                C("milestone_id", "text", True),
                C("title", "text", True),
                C("kap_outcome", "outcome"),
                C("due_on", "date"),
                C("announced_on", "date"),
                C("completed_on", "date"),
                C("owner", "text"),
                # How exact due_on and completed_on are (not in the contract).
                C("date_precision", "choice", choices="date_precision"),
                C("completed_precision", "choice", choices="date_precision"),
            ),
            aliases=("milestone",),
        ),
        Sheet(
            "resources",
            "Resources",
            ("resource_id",),
            (
                C("resource_id", "text", True),
                C("partner", "text", True),
                C("kind", "choice", True, "resource_kind"),
                C("amount_usd", "number"),
                C("signed_on", "date", True),
                C("country", "country"),
                C("for_region", "region"),
                C("date_precision", "choice", choices="date_precision"),
            ),
            aliases=("resource", "resource_mobilization", "partnerships"),
        ),
        Sheet(
            "reported",
            "Reported",
            ("reported_id",),
            (
                C("reported_id", "text", True),
                C("kpi", "kpi_path", True),
                C("as_of", "date", True),
                C("from_date", "date", header="from"),
                C("region", "region"),
                C("value", "number", True),
                C("qualifier", "choice", True, "qualifier"),
                C("source", "text", True),
            ),
            aliases=("reported_figures", "published", "published_figures"),
        ),
        Sheet(
            "initiatives",
            "Initiatives",
            ("cycle", "code"),
            (
                C("code", "initiative", True),
                C("cycle", "cycle", True),
                C("region", "region", True),
                C("title", "text", True),
            ),
            aliases=("regional_initiatives", "initiative"),
            reference=True,
        ),
        Sheet(
            "outcomes",
            "Outcomes",
            ("cycle", "code"),
            (
                C("code", "code", True),
                C("cycle", "cycle", True),
                C("priority", "code", True),
                C("title", "text", True),
            ),
            aliases=("outcome", "kap_outcomes"),
            reference=True,
        ),
        Sheet(
            "targets",
            "Targets",
            ("kpi", "period_end", "region", "kap_outcome"),
            (
                C("kpi", "kpi", True),
                C("period_end", "date", True),
                C("region", "region"),
                C("target", "number", True),
                # Not in the contract (the app may accept more): a target for one KAP outcome's measures.
                C("kap_outcome", "outcome"),
            ),
            aliases=("target",),
            reference=True,
        ),
    )
}


def match_sheet(name: str, exact_only: bool = False) -> Sheet | None:
    """Return the contract sheet a sheet or file name stands for, if any.

    exact_only: the name must be the sheet's (a workbook's sheets); otherwise a file's name may go on after it
    (`eois_2023.csv`).
    """
    wanted = key(name)
    for sheet in SHEETS.values():
        if wanted in _names(sheet):
            return sheet
    if exact_only:
        return None
    prefixed = [s for s in SHEETS.values() if re.match(rf"^({s.table}|{key(s.label)})(_|$|\()", wanted)]
    return prefixed[0] if len(prefixed) == 1 else None


def sheet_keys() -> list[str]:
    """The matching keys (alliance.text.key) of every name a workbook's sheet of the upload format may have."""
    return sorted({name for sheet in SHEETS.values() for name in _names(sheet)})


def _names(sheet: Sheet) -> set[str]:
    return {sheet.table, key(sheet.label), *sheet.aliases}


# Optional columns every sheet also takes: where a row comes from.
EXTRA_COLUMNS = (C("source", "text"),)

# Loaded in this order so that references inside one upload resolve.
LOAD_ORDER = (
    "initiatives",
    "outcomes",
    "targets",
    "eois",
    "centers",
    "events",
    "activities",
    "milestones",
    "resources",
    "reported",
)
DATA_TABLES = ("eois", "centers", "events", "activities", "milestones", "resources", "reported")

# The figures of `kpis --json` a Reported row may name (data contract, section 3), as dotted paths: the
# totals first (the drop-down of the template lists these), then every breakdown.
_REGIONS = ("AFR", "AMS", "ARB", "ASP", "CIS", "EUR")
KPI_PATHS = (
    "eois.total",
    "eois.countries",
    "eois.center_requests",
    "centers.total",
    "centers.launched",
    "events.total",
    "events.participants",
    "events.trained_certified",
    "activities.total",
    "activities.completed",
    "milestones.total",
    "milestones.done",
    "milestones.overdue",
    "resources_usd",
)
KPI_BREAKDOWNS = (
    *(f"eois.by_region.{r}" for r in _REGIONS),
    *(f"eois.by_status.{s}" for s in CHOICES["eoi_status"]),
    *(f"centers.by_region.{r}" for r in _REGIONS),
    *(f"centers.by_type.{t}" for t in ("TAC", "REEC", "IDTAC", "IAC")),
    *(f"capabilities.{c}.{what}" for c in ("TRR", "OTI", "ESM", "PEX", "EIA") for what in ("eois", "centers")),
    *(f"events.by_region.{r}" for r in (*_REGIONS, "GLB")),
)
# activities.by_initiative.<code> names any initiative code.
KPI_PATH_PATTERN = r"activities\.by_initiative\.[A-Z]{3}\d{1,2}"
