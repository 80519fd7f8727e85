-- One row per region including GLB (events with no country): events starting in the period $period_start to $as_of. Params: $as_of, $period_start (NULL = no start), $region (NULL = all), $capability (NULL = all).
with events_counted as (
    select region_code, count(*) as events
    from macros.events_in_scope($as_of, $period_start, $region, $capability)
    group by region_code
),

final as (
    select
        r.region_code,
        r.region_name,
        coalesce(e.events, 0) as events,
    from regions r
    left join events_counted e on e.region_code = r.region_code
    order by r.sort_order
)

select * from final
