-- One row: activities starting in the period $period_start to $as_of, and those of them completed. Params: $as_of, $period_start (NULL = no start), $region (NULL = all).
with activities_counted as (
    select *
    from activities_regional
    where start_date <= $as_of
      and ($period_start is null or start_date >= $period_start)
      and ($region is null or region_code = $region)
),

final as (
    select
        count(*) as activities,
        count(*) filter (where status = 'completed') as completed,
    from activities_counted
)

select * from final
