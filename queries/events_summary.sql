-- One row: events starting by $as_of, their participants and people trained or certified (blanks count 0). Params: $as_of, $region (NULL = all), $capability (NULL = all).
with events_counted as (
    select *
    from events_regional
    where start_date <= $as_of
      and ($region is null or region_code = $region)
      and ($capability is null or list_contains(capabilities, $capability))
),

final as (
    select
        count(*) as events,
        coalesce(sum(participants), 0) as participants,
        coalesce(sum(trained_certified), 0) as trained_certified,
    from events_counted
)

select * from final
