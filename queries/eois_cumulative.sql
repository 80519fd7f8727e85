-- One row per day with EoIs received between $period_start and $as_of: EoIs that day and the running total since the first EoI. Params: $as_of, $period_start, $region, $capability (NULL = all).
with eois_counted as (
    select received_on
    from eois_regional
    where received_on <= $as_of
      and ($region is null or region_code = $region)
      and ($capability is null or list_contains(capabilities, $capability))
),

daily as (
    select received_on, count(*) as eois_received,
    from eois_counted
    group by received_on
),

running as (
    select
        received_on,
        eois_received,
        sum(eois_received) over (order by received_on) as eois_total,
    from daily
),

final as (
    select *
    from running
    where ($period_start is null or received_on >= $period_start)
    order by received_on
)

select * from final
