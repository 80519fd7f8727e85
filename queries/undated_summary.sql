-- One row: the records whose source gives no date (kept undated, so in no period's counts), for $region (NULL = all; resources: those for that region) and, for events, $capability (NULL = all), and the USD of the undated resources that state an amount. Params: $region, $capability.
with events_undated as (
    select count(*) as events from events_regional
    where start_date is null and ($region is null or region_code = $region)
      and ($capability is null or list_contains(capabilities, $capability))
),

activities_undated as (
    select count(*) as activities from activities_regional
    where start_date is null and ($region is null or region_code = $region)
),

resources_undated as (
    select count(*) as resources, sum(amount_usd) as resources_usd, from resources_regional
    where signed_on is null and ($region is null or region_code = $region)
),

final as (
    select
        e.events,
        a.activities,
        r.resources,
        r.resources_usd,
    from events_undated e, activities_undated a, resources_undated r
)

select * from final
