-- Columns derived from the reference tables, refreshed at the end of every write (load, rollback,
-- demo removal): a row's region is its country's region (a resource's, the region it is for); an event with no country is GLB; an
-- activity's or event's plan cycle covers its start date; an activity counts under its regional
-- initiative's region in that cycle (data contract section 2), else its country's; an event's
-- region in the actions-by-region table is that of its first initiative, else its own; a center
-- exists from its first known date (selected_on, else its EoI's received_on, else launched_on). Only rows whose derived value changes are written. Each value is a
-- lookup by key (a correlated subquery, which DuckDB runs as one hash join), not a self-join.

update eois set region_code = (select c.region from countries c where c.iso3 = eois.country)
where region_code is distinct from (select c.region from countries c where c.iso3 = eois.country);

update centers set region_code = (select c.region from countries c where c.iso3 = centers.country)
where region_code is distinct from (select c.region from countries c where c.iso3 = centers.country);

update events set region_code = coalesce((select c.region from countries c where c.iso3 = events.country), 'GLB')
where region_code is distinct from coalesce((select c.region from countries c where c.iso3 = events.country), 'GLB');

-- A resource counts in the region it serves (for_region); none: the whole Alliance, in no region.
update resources set region_code = for_region
where region_code is distinct from for_region;

update activities set cycle = (
    select cy.cycle from cycles cy where activities.start_date between cy.starts_on and cy.ends_on
)
where cycle is distinct from (
    select cy.cycle from cycles cy where activities.start_date between cy.starts_on and cy.ends_on
);

-- An undated activity has no cycle: its initiative's region is the one every cycle gives that code
-- (codes carry their region's prefix), if they agree.
update activities set region_code = coalesce(
    (select i.region from initiatives i where i.code = activities.regional_initiative and i.cycle = activities.cycle),
    (select min(i.region) from initiatives i where i.code = activities.regional_initiative and activities.cycle is null
     having count(distinct i.region) = 1),
    (select c.region from countries c where c.iso3 = activities.country)
)
where region_code is distinct from coalesce(
    (select i.region from initiatives i where i.code = activities.regional_initiative and i.cycle = activities.cycle),
    (select min(i.region) from initiatives i where i.code = activities.regional_initiative and activities.cycle is null
     having count(distinct i.region) = 1),
    (select c.region from countries c where c.iso3 = activities.country)
);

update events set cycle = (
    select cy.cycle from cycles cy where events.start_date between cy.starts_on and cy.ends_on
)
where cycle is distinct from (
    select cy.cycle from cycles cy where events.start_date between cy.starts_on and cy.ends_on
);

update events set action_region = coalesce(
    (select i.region from initiatives i where i.code = events.regional_initiatives[1] and i.cycle = events.cycle),
    events.region_code
)
where action_region is distinct from coalesce(
    (select i.region from initiatives i where i.code = events.regional_initiatives[1] and i.cycle = events.cycle),
    events.region_code
);

update centers set exists_from = coalesce(
    centers.selected_on,
    (select e.received_on from eois e where e.eoi_id = centers.eoi_id),
    centers.launched_on
)
where exists_from is distinct from coalesce(
    centers.selected_on,
    (select e.received_on from eois e where e.eoi_id = centers.eoi_id),
    centers.launched_on
);
