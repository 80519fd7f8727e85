-- Columns derived from the reference tables, refreshed at the end of every write (load, rollback,
-- demo removal): a row's region is its country's region; an event with no country is GLB; an
-- activity's plan cycle covers its start date, and with no country it takes its initiative's
-- region in that cycle. Only rows whose derived value changes are written.

update eois set region_code = x.region_code
from (select e.eoi_id, c.region as region_code from eois e left join countries c on c.iso3 = e.country) x
where x.eoi_id = eois.eoi_id and eois.region_code is distinct from x.region_code;

update centers set region_code = x.region_code
from (select ce.center_id, c.region as region_code from centers ce left join countries c on c.iso3 = ce.country) x
where x.center_id = centers.center_id and centers.region_code is distinct from x.region_code;

update events set region_code = x.region_code
from (select ev.event_id, coalesce(c.region, 'GLB') as region_code from events ev left join countries c on c.iso3 = ev.country) x
where x.event_id = events.event_id and events.region_code is distinct from x.region_code;

update resources set region_code = x.region_code
from (select r.resource_id, c.region as region_code from resources r left join countries c on c.iso3 = r.country) x
where x.resource_id = resources.resource_id and resources.region_code is distinct from x.region_code;

update activities set cycle = x.cycle, region_code = x.region_code
from (
    select a.activity_id, cy.cycle, coalesce(c.region, i.region) as region_code
    from activities a
    left join countries c on c.iso3 = a.country
    left join cycles cy on a.start_date between cy.starts_on and cy.ends_on
    left join initiatives i on i.code = a.regional_initiative and i.cycle = cy.cycle
) x
where x.activity_id = activities.activity_id
  and (activities.cycle is distinct from x.cycle or activities.region_code is distinct from x.region_code);
