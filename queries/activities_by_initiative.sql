-- One row per regional-initiative code with at least one activity starting by $as_of. Params: $as_of, $region (NULL = all).
with activities_counted as (
    select regional_initiative
    from activities_regional
    where start_date <= $as_of
      and ($region is null or region_code = $region)
),

final as (
    select
        regional_initiative,
        count(*) as activities,
    from activities_counted
    group by regional_initiative
    order by regional_initiative
)

select * from final
