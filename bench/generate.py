"""Write a deterministic store at scale factor k directly into DuckDB (k = 1: the built-in data's volume)."""

from pathlib import Path

from alliance.store import Store

# Rows per unit of k: the built-in and demo data's volume (94 EoIs, 21 centers, 13 events,
# 75 activities, 21 milestones, 6 resources), rounded so that k = 1000 gives at least 70,000
# EoIs, 20,000 events and 100,000 activities.
PER_K = {"eois": 94, "centers": 21, "events": 20, "activities": 100, "milestones": 21, "resources": 6}

_SQL = """
create temp macro pick(h, n) as cast(1 + h % n as bigint);
create temp table pool as select list(iso3 order by iso3) as iso3s, count(*) as n from countries;
insert into eois
select
    'G-EOI-' || i,
    date '2023-01-25' + cast(hash(i, 'd') % 1000 as integer),
    (select iso3s from pool)[pick(hash(i, 'c'), (select n from pool))],
    'Generated organization ' || i,
    (['government', 'regulator', 'academia', 'private_sector', 'civil_society', 'international_org', 'other'])[pick(hash(i, 'o'), 7)],
    (['establish_center', 'strengthen_center', 'join_network', 'other'])[pick(hash(i, 'r'), 4)],
    (['TAC', 'REEC', 'IDTAC', 'IAC'])[pick(hash(i, 't'), 4)],
    list_distinct([(['TRR', 'OTI', 'ESM', 'PEX', 'EIA'])[pick(hash(i, 'k1'), 5)], (['TRR', 'OTI', 'ESM', 'PEX', 'EIA'])[pick(hash(i, 'k2'), 5)]]),
    (['received', 'under_review', 'validated', 'declined', 'withdrawn', 'onboarded'])[pick(hash(i, 's'), 6)],
    '2023-R' || (1 + hash(i, 'n') % 3),
    'bench: generated', true, null
from range($eois) t(i);
insert into centers (
    center_id, name, country, city, center_type, scope, ownership, host_organization, status,
    launched_on, eoi_id, capabilities, source, is_demo, region_code
)
select
    'G-CTR-' || i, 'Generated center ' || i,
    (select iso3s from pool)[pick(hash(i, 'c'), (select n from pool))], 'City ' || (i % 97),
    (['TAC', 'REEC', 'IDTAC', 'IAC'])[pick(hash(i, 't'), 4)],
    (['global', 'regional', 'national'])[pick(hash(i, 'g'), 3)],
    (['itu', 'host_country', 'academia', 'existing_institution'])[pick(hash(i, 'w'), 4)],
    'Host ' || i,
    (['prospective', 'selected', 'launched', 'suspended', 'closed'])[pick(hash(i, 's'), 5)],
    date '2023-06-01' + cast(hash(i, 'l') % 800 as integer),
    'G-EOI-' || (i * 4),
    list_distinct([(['TRR', 'OTI', 'ESM', 'PEX', 'EIA'])[pick(hash(i, 'k1'), 5)], (['TRR', 'OTI', 'ESM', 'PEX', 'EIA'])[pick(hash(i, 'k2'), 5)]]),
    'bench: generated', true, null
from range($centers) t(i);
insert into events (
    event_id, title, start_date, end_date, event_type, format, country, city, participants,
    countries_represented, trained_certified, partners, capabilities, regional_initiatives, source, is_demo,
    region_code
)
select
    'G-EVT-' || i, 'Generated event ' || i,
    date '2018-01-01' + cast(hash(i, 'd') % 2900 as integer),
    null,
    (['forum', 'workshop', 'training', 'high_level_session', 'webinar', 'board_meeting', 'members_forum', 'other'])[pick(hash(i, 'e'), 8)],
    (['in_person', 'virtual', 'hybrid'])[pick(hash(i, 'f'), 3)],
    case when hash(i, 'g') % 10 = 0 then null else (select iso3s from pool)[pick(hash(i, 'c'), (select n from pool))] end,
    null,
    10 + hash(i, 'p') % 300, 1 + hash(i, 'r') % 40, hash(i, 't') % 10,
    null,
    [(['TRR', 'OTI', 'ESM', 'PEX', 'EIA'])[pick(hash(i, 'k1'), 5)]],
    null,
    'bench: generated', true, null
from range($events) t(i);
create temp table alliance_initiatives as
select list(code order by code) as codes, count(*) as n from initiatives where cycle = 'WTDC-22';
insert into activities (
    activity_id, regional_initiative, title, product, country, start_date, status, kap_outcome,
    beneficiaries, source, is_demo, region_code, cycle
)
select
    'G-ACT-' || i,
    (select codes from alliance_initiatives)[pick(hash(i, 'i'), (select n from alliance_initiatives))],
    'Generated activity ' || i,
    (['knowledge_sharing', 'capacity_building', 'innovation_assessment', 'project_cocreation'])[pick(hash(i, 'p'), 4)],
    null,
    date '2023-01-01' + cast(hash(i, 'd') % 1090 as integer),
    (['planned', 'ongoing', 'completed', 'cancelled'])[pick(hash(i, 's'), 4)],
    (['DT1', 'DT2'])[pick(hash(i, 'o'), 2)],
    hash(i, 'b') % 400,
    'bench: generated', true, null, null
from range($activities) t(i);
insert into milestones (milestone_id, title, kap_outcome, due_on, completed_on, owner, source, is_demo)
select
    'G-MS-' || i, 'Generated milestone ' || i, (['DT1', 'DT2'])[pick(hash(i, 'o'), 2)],
    date '2023-01-25' + cast(hash(i, 'd') % 1200 as integer),
    case when hash(i, 'x') % 2 = 0 then date '2023-01-25' + cast(hash(i, 'y') % 1200 as integer) end,
    'BDT', 'bench: generated', true
from range($milestones) t(i);
insert into resources (
    resource_id, partner, kind, amount_usd, signed_on, country, source, is_demo, region_code
)
select
    'G-RES-' || i, 'Partner ' || i,
    (['voluntary_contribution', 'in_kind', 'declaration_of_intent', 'mou', 'other'])[pick(hash(i, 'k'), 5)],
    1000 + hash(i, 'a') % 500000,
    date '2023-01-25' + cast(hash(i, 'd') % 1000 as integer),
    (select iso3s from pool)[pick(hash(i, 'c'), (select n from pool))],
    'bench: generated', true, null
from range($resources) t(i);
-- Most resources serve their partner's region; every fifth serves the whole Alliance.
update resources set for_region = (select c.region from countries c where c.iso3 = resources.country)
where resource_id like 'G-RES-%' and cast(substr(resource_id, 7) as integer) % 5 <> 0;
insert into loads (load_id, kind, file_name, sha256, loaded_at, loaded_by, replace_sheets, rolled_back_load_id, snapshot_before, note)
values (1, 'generated', 'bench/generate.py k=' || $k, '', now()::timestamp, 'bench', false, null, '', '');
"""


def generate(path: Path, k: int) -> Store:
    """Create a store at `path` holding the reference data and k units of generated rows."""
    store = Store(path)
    if store.exists():
        raise FileExistsError(path)
    store.ensure()
    counts = {table: n * k for table, n in PER_K.items()}
    with store.write() as con:
        for statement in _SQL.strip().split(";\n"):
            if statement.strip():
                names = {n for n in ("k", *counts) if f"${n}" in statement}
                con.execute(statement, {n: (k if n == "k" else counts[n]) for n in names}).fetchall()
    return store
