"""Reference data as lookups: countries by any of their names, codes by label, cycles by date."""

import difflib
from dataclasses import dataclass, field
from datetime import date

import duckdb

from alliance.schema import CHOICE_ALIASES, CHOICES
from alliance.text import key, name_key


@dataclass
class Reference:
    """What validation needs to know about the store's reference tables."""

    country_names: dict[str, str]
    country_label: dict[str, str]
    country_region: dict[str, str]
    choices: dict[str, dict[str, str]]
    initiatives: dict[tuple[str, str], str]
    cycles: list[tuple[str, date, date]]
    outcomes: set[tuple[str, str]]
    kpis: set[str]
    regions: set[str]
    region_names: dict[str, str] = field(default_factory=dict)
    existing_eois: set[str] = field(default_factory=set)
    existing_center_eois: dict[str, str | None] = field(default_factory=dict)

    def country(self, text: str) -> str | None:
        return self.country_names.get(name_key(text))

    def region(self, text: str) -> str | None:
        """Return the ITU-D region a code or a name stands for ("ASP", "Asia and the Pacific", "Asia-Pacific")."""
        code = text.strip().upper()
        return code if code in self.regions else self.region_names.get(key(text))

    def suggest_country(self, text: str) -> str | None:
        close = difflib.get_close_matches(name_key(text), list(self.country_names), n=1, cutoff=0.75)
        return self.country_label[self.country_names[close[0]]] if close else None

    def cycle_of(self, day: date) -> str | None:
        for cycle, starts_on, ends_on in self.cycles:
            if starts_on <= day <= ends_on:
                return cycle
        return None


def choice_map(codes: dict[str, str], aliases: dict[str, str] | None = None) -> dict[str, str]:
    """Map the key of every code, label and alias (and their plurals) to the code."""
    result: dict[str, str] = {}
    for code, label in codes.items():
        for text in (code, label):
            result[key(text)] = code
            result[key(text) + "s"] = code
    for alias, code in (aliases or {}).items():
        result[key(alias)] = code
    return result


def load_reference(con: duckdb.DuckDBPyConnection) -> Reference:
    """Read the reference tables of a store into lookups."""
    names: dict[str, str] = {}
    label: dict[str, str] = {}
    region: dict[str, str] = {}
    for iso3, itu, un, iso, region_code in con.execute(
        "select iso3, itu_name, un_name, iso_name, region from countries"
    ).fetchall():
        label[iso3] = itu
        region[iso3] = region_code
        for text in (iso3, itu, un, iso):
            if text:
                names[name_key(text)] = iso3
    for iso3, alias in con.execute("select iso3, alias from country_aliases").fetchall():
        names.setdefault(name_key(alias), iso3)

    choices = {name: choice_map(codes, CHOICE_ALIASES.get(name)) for name, codes in CHOICES.items()}
    center_types = dict(con.execute("select center_type_code, center_type_name from center_types").fetchall())
    choices["center_type"] = choice_map(center_types)
    capabilities = choice_map(dict(con.execute("select capability_code, capability_name from capabilities").fetchall()))
    for code, aliases in con.execute("select capability_code, aliases from capabilities").fetchall():
        for alias in (aliases or "").split(";"):
            if alias.strip():
                capabilities[key(alias)] = code
    choices["capability"] = capabilities

    regions = dict(con.execute("select region_code, region_name from regions where region_code <> 'GLB'").fetchall())
    region_names = {key(name): code for code, name in regions.items()}
    # Names people write for a region that are not its name in data/regions.csv.
    region_names.update({"asia_pacific": "ASP", "cis": "CIS", "arab_region": "ARB", "america": "AMS", "the_americas": "AMS"})
    return Reference(
        country_names=names,
        country_label=label,
        country_region=region,
        choices=choices,
        initiatives={
            (c, code.upper()): r for code, c, r in con.execute("select code, cycle, region from initiatives").fetchall()
        },
        cycles=con.execute("select cycle, starts_on, ends_on from cycles order by starts_on").fetchall(),
        outcomes={(c, code.upper()) for code, c in con.execute("select code, cycle from outcomes").fetchall()},
        kpis={k for (k,) in con.execute("select kpi_code from kpis").fetchall()},
        regions=set(regions),
        region_names=region_names,
        existing_eois={e for (e,) in con.execute("select eoi_id from eois").fetchall()},
        existing_center_eois=dict(con.execute("select center_id, eoi_id from centers").fetchall()),
    )
