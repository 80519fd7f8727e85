-- Columns derived from the reference tables, refreshed at the end of every write (load, rollback,
-- demo removal): a row's region is its country's region; an event with no country is GLB; an
-- activity's plan cycle covers its start date, and with no country it takes its initiative's
-- region in that cycle. Only rows whose derived value changes are written. Each value is a
-- lookup by key (a correlated subquery, which DuckDB runs as one hash join), not a self-join.

update eois set region_code = (select c.region from countries c where c.iso3 = eois.country)
where region_code is distinct from (select c.region from countries c where c.iso3 = eois.country);

update centers set region_code = (select c.region from countries c where c.iso3 = centers.country)
where region_code is distinct from (select c.region from countries c where c.iso3 = centers.country);

update events set region_code = coalesce((select c.region from countries c where c.iso3 = events.country), 'GLB')
where region_code is distinct from coalesce((select c.region from countries c where c.iso3 = events.country), 'GLB');

update resources set region_code = (select c.region from countries c where c.iso3 = resources.country)
where region_code is distinct from (select c.region from countries c where c.iso3 = resources.country);

update activities set cycle = (
    select cy.cycle from cycles cy where activities.start_date between cy.starts_on and cy.ends_on
)
where cycle is distinct from (
    select cy.cycle from cycles cy where activities.start_date between cy.starts_on and cy.ends_on
);

update activities set region_code = coalesce(
    (select c.region from countries c where c.iso3 = activities.country),
    (select i.region from initiatives i where i.code = activities.regional_initiative and i.cycle = activities.cycle)
)
where region_code is distinct from coalesce(
    (select c.region from countries c where c.iso3 = activities.country),
    (select i.region from initiatives i where i.code = activities.regional_initiative and i.cycle = activities.cycle)
);
