-- One row per ITU-D region (GLB excluded): the centers there existing at $as_of (from their first known date). Params: $as_of, $region (NULL = all), $capability (NULL = all).
with centers_counted as (
    select region_code, count(*) as centers
    from macros.centers_in_scope($as_of, $region, $capability)
    group by region_code
),

final as (
    select
        r.region_code,
        r.region_name,
        coalesce(c.centers, 0) as centers,
    from regions r
    left join centers_counted c on c.region_code = r.region_code
    where r.region_code <> 'GLB'
    order by r.sort_order
)

select * from final
