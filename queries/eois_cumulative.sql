-- One row per day with EoIs received between $period_start and $as_of: EoIs that day and the running total since the first EoI. Params: $as_of, $period_start, $region, $capability (NULL = all).
-- From the first EoI, with no period start: the running total counts them all; the period cuts the days shown (final).
with daily as (
    select received_on, count(*) as eois_received,
    from macros.eois_in_scope($as_of, null, $region, $capability)
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
