-- One row: EoIs received in the period ($period_start to $as_of; a flow), their distinct countries, and center requests. Params: $as_of, $period_start (NULL = no start), $region (NULL = all), $capability (NULL = all).
with eois_counted as (
    select *
    from eois_regional
    where received_on <= $as_of
      and ($period_start is null or received_on >= $period_start)
      and ($region is null or region_code = $region)
      and ($capability is null or list_contains(capabilities, $capability))
),

final as (
    select
        count(*) as eois,
        count(distinct country) as countries,
        count(*) filter (where request in ('establish_center', 'strengthen_center')) as center_requests,
    from eois_counted
)

select * from final
