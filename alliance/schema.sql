-- The store's tables. Reference tables first, then the data sheets of the upload contract,
-- then load history. Names of data columns are the contract's, so export is a plain select.

create table meta (key varchar, value varchar);

create table regions (region_code varchar, region_name varchar, sort_order integer);
create table countries (iso3 varchar, itu_name varchar, un_name varchar, iso_name varchar,
                        region varchar, region_note varchar);
create table country_aliases (iso3 varchar, alias varchar);
create table capabilities (capability_code varchar, capability_name varchar, aliases varchar,
                           description varchar, source varchar);
create table center_types (center_type_code varchar, center_type_name varchar, ownership varchar,
                           scope varchar, resources varchar, source varchar);
create table cycles (cycle varchar, conference varchar, starts_on date, ends_on date, source varchar);
create table kap_priorities (cycle varchar, code varchar, title varchar, source varchar);
create table res90 (code varchar, number integer, text varchar, source varchar);
create table kpis (kpi_code varchar, name varchar, definition varchar, unit varchar, query varchar);

-- Reference sheets analysts may extend by upload (data contract, section 1).
create table initiatives (code varchar, cycle varchar, region varchar, title varchar,
                          title_verified boolean, alliance boolean, source varchar);
create table outcomes (code varchar, cycle varchar, priority varchar, title varchar,
                       res90_resolves varchar, source varchar);
create table targets (kpi varchar, period_end date, region varchar, target double, kap_outcome varchar,
                      source varchar, is_demo boolean default false);

create table eois (
    eoi_id varchar, received_on date, country varchar, organization varchar,
    organization_type varchar, request varchar, center_type varchar, capabilities varchar[],
    status varchar, call_round varchar, source varchar, is_demo boolean default false,
    region_code varchar
);
create table centers (
    center_id varchar, name varchar, country varchar, city varchar, center_type varchar,
    scope varchar, ownership varchar, host_organization varchar, status varchar,
    selected_on date, launched_on date, eoi_id varchar, capabilities varchar[], source varchar,
    is_demo boolean default false, region_code varchar, exists_from date
);
create table events (
    event_id varchar, title varchar, start_date date, end_date date, event_type varchar,
    format varchar, country varchar, city varchar, participants bigint,
    countries_represented bigint, trained_certified bigint, partners varchar,
    capabilities varchar[], regional_initiatives varchar[], product varchar, date_precision varchar,
    participants_over boolean, source varchar, is_demo boolean default false, region_code varchar,
    cycle varchar, action_region varchar
);
create table activities (
    activity_id varchar, regional_initiative varchar, title varchar, product varchar,
    country varchar, start_date date, status varchar, kap_outcome varchar, beneficiaries bigint,
    date_precision varchar, source varchar, is_demo boolean default false, region_code varchar, cycle varchar
);
create table milestones (
    milestone_id varchar, title varchar, kap_outcome varchar, due_on date, completed_on date,
    owner varchar, date_precision varchar, completed_precision varchar, source varchar, is_demo boolean default false,
    announced_on date
);
create table resources (
    resource_id varchar, partner varchar, kind varchar, amount_usd double, signed_on date,
    country varchar, date_precision varchar, source varchar, is_demo boolean default false, region_code varchar,
    for_region varchar
);
-- Figures as a document published them ("over 70 EoIs"), shown beside what the records count,
-- never added to it (data contract, the Reported sheet). from_date is the contract's `from`.
create table if not exists reported (
    reported_id varchar, kpi varchar, as_of date, from_date date, region varchar, value double,
    qualifier varchar, source varchar, is_demo boolean default false
);

-- Every load, rollback and demo removal; the snapshot before it makes it reversible. loaded_by is who
-- said they acted (--user, ALLIANCE_USER, the signed-in e-mail); loaded_by_account the operating-system
-- account of the process that wrote (the command line's, or the app server's); NULL: not recorded (before schema 6).
create table loads (
    load_id integer, kind varchar, file_name varchar, sha256 varchar, loaded_at timestamp,
    loaded_by varchar, replace_sheets boolean, rolled_back_load_id integer,
    snapshot_before varchar, note varchar, loaded_by_account varchar
);
-- Editions (alliance/editions.py): named, approved states whose figures are handed to TDAG.
-- A rollback leaves this table as it is. figures holds the frozen summary as JSON. The *_account
-- columns are the operating-system accounts beside prepared_by and approved_by, as in loads.
create table if not exists editions (
    name varchar, period_start date, as_of date, status varchar, prepared_by varchar,
    prepared_at timestamp, approved_by varchar, approved_at timestamp, note varchar,
    snapshot varchar, last_load_id integer, figures varchar, prepared_seq integer, approved_seq integer,
    prepared_by_account varchar, approved_by_account varchar
);
create table load_sheets (
    load_id integer, sheet varchar, inserted integer, updated integer, removed integer,
    unchanged integer, ignored_columns varchar
);

-- region_code (and an activity's plan cycle) are derived from the reference tables by
-- alliance/derived.sql at the end of every write, so that reads scan one table. The views keep
-- the names the queries use.
create view eois_regional as select * from eois;
create view centers_regional as select * from centers;
create view events_regional as select * from events;
create view activities_regional as select * from activities;
create view resources_regional as select * from resources;
