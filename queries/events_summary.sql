-- One row: events starting in the period $period_start to $as_of (a flow), their participants (and whether that sum is a lower bound, some counts being "over N") and people trained or certified (blanks count 0). Params: $as_of, $period_start (NULL = no start), $region (NULL = all), $capability (NULL = all).
with events_counted as (
    select *
    from events_regional
    where start_date <= $as_of
      and ($period_start is null or start_date >= $period_start)
      and ($region is null or region_code = $region)
      and ($capability is null or list_contains(capabilities, $capability))
),

final as (
    select
        count(*) as events,
        coalesce(sum(participants), 0) as participants,
        coalesce(sum(trained_certified), 0) as trained_certified,
        coalesce(bool_or(participants_over), false) as participants_over,
    from events_counted
)

select * from final
