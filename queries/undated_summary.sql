-- One row: the records whose source gives no date (kept undated, so in no period's counts), for $region (NULL = all; resources: those for that region) and, for events, $capability (NULL = all), and the USD of the undated resources that state an amount. Params: $region, $capability.
with events_undated as (
    select count(*) as events,
    from macros.events_in_scope(null, null, $region, $capability)
    where start_date is null
),

activities_undated as (
    select count(*) as activities,
    from macros.activities_in_scope(null, null, $region)
    where start_date is null
),

resources_undated as (
    select count(*) as resources, sum(amount_usd) as resources_usd,
    from macros.resources_in_scope(null, null, $region)
    where signed_on is null
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
