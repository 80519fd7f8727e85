-- Macros every query in queries/ shares, so that each definition is written once: the rows of each data table
-- in scope (`from macros.eois_in_scope($as_of, $period_start, $region, $capability)`), and capabilities in words.
--
-- Rows in scope are the rows the sidebar's choices select. Flows (EoIs, events, activities, resources,
-- published figures) are the rows dated in the period period_start to as_of; stocks (centers, milestones) the
-- rows existing at as_of. A NULL argument does not filter: no period start, all regions, all capabilities; a
-- NULL as_of leaves the dates unbounded (every row, dated or not). The region is the derived region_code
-- (alliance/derived.sql): a resource's is the region it is for, and one for the whole Alliance is in no region.
-- Activities and resources carry no capability.
--
-- They live in `macros`, an in-memory catalog alliance/queries.py attaches to each database it queries, once
-- per database, and never in a store: every stored state, an edition frozen by an earlier version included,
-- is read by today's definitions and is never written. A macro's table names are those of the database that
-- calls it. Inside a macro a bare name that is also an argument's is the argument: qualify such a column.

create macro if not exists macros.eois_in_scope(as_of, period_start, region, capability) as table
    select *
    from eois
    where (as_of is null or received_on <= as_of)
      and (period_start is null or received_on >= period_start)
      and (region is null or region_code = region)
      and (capability is null or list_contains(capabilities, capability));

-- A center exists from its first known date (exists_from); one with no known date exists always.
create macro if not exists macros.centers_in_scope(as_of, region, capability) as table
    select *
    from centers
    where (as_of is null or exists_from is null or exists_from <= as_of)
      and (region is null or region_code = region)
      and (capability is null or list_contains(capabilities, capability));

create macro if not exists macros.events_in_scope(as_of, period_start, region, capability) as table
    select *
    from events
    where (as_of is null or start_date <= as_of)
      and (period_start is null or start_date >= period_start)
      and (region is null or region_code = region)
      and (capability is null or list_contains(capabilities, capability));

create macro if not exists macros.activities_in_scope(as_of, period_start, region) as table
    select *
    from activities
    where (as_of is null or start_date <= as_of)
      and (period_start is null or start_date >= period_start)
      and (region is null or region_code = region);

create macro if not exists macros.resources_in_scope(as_of, period_start, region) as table
    select *
    from resources
    where (as_of is null or signed_on <= as_of)
      and (period_start is null or signed_on >= period_start)
      and (region is null or region_code = region);

-- A milestone exists once announced, or always when its source gives no announcement date. Milestones
-- belong to the whole Alliance: no region.
create macro if not exists macros.milestones_in_scope(as_of) as table
    select *
    from milestones
    where as_of is null or announced_on is null or announced_on <= as_of;

-- Published figures (the Reported sheet) by the date they are as of; their region is read by each query.
-- reported has a column as_of, as is an argument's name: the column is r.as_of.
create macro if not exists macros.reported_in_scope(as_of, period_start) as table
    select r.*
    from reported r
    where (as_of is null or r.as_of <= as_of)
      and (period_start is null or r.as_of >= period_start);

-- The strategic capabilities in the order of seed 000 §2.1 (the capabilities table has no order of its own).
create macro if not exists macros.capability_rank(code) as
    case code when 'TRR' then 1 when 'OTI' then 2 when 'ESM' then 3 when 'PEX' then 4 else 5 end;

-- A row's capability codes as their names, in that order: 'Trends research readiness; Policy experimentation'.
create macro if not exists macros.capability_names(codes) as (
    select string_agg(c.capability_name, '; ' order by macros.capability_rank(c.capability_code))
    from capabilities c
    where list_contains(codes, c.capability_code)
);
