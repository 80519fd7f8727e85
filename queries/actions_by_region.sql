-- One row per ITU-D region (GLB excluded) in the layout of seed 001 §3.1: activities starting in $year and on or before $as_of, counted by product line. Params: $year, $as_of, $region (NULL = all).
with activities_counted as (
    select
        region_code,
        product,
    from activities_regional
    where year(start_date) = $year
      and start_date <= $as_of
      and ($region is null or region_code = $region)
),

final as (
    select
        r.region_name,
        count(*) filter (where a.product = 'knowledge_sharing') as knowledge_sharing,
        count(*) filter (where a.product = 'capacity_building') as capacity_building,
        count(*) filter (where a.product = 'innovation_assessment') as innovation_assessment,
        count(*) filter (where a.product = 'project_cocreation') as project_cocreation,
    from regions r
    left join activities_counted a on a.region_code = r.region_code
    where r.region_code <> 'GLB'
    group by r.region_code, r.region_name, r.sort_order
    order by r.sort_order
)

select * from final
