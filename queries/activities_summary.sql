-- One row: activities starting by $as_of, and those completed. Params: $as_of, $region (NULL = all).
with activities_counted as (
    select *
    from activities_regional
    where start_date <= $as_of
      and ($region is null or region_code = $region)
),

final as (
    select
        count(*) as activities,
        count(*) filter (where status = 'completed') as completed,
    from activities_counted
)

select * from final
