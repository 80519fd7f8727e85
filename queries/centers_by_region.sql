-- One row per ITU-D region (GLB excluded): every center there. Params: $region (NULL = all), $capability (NULL = all).
with centers_counted as (
    select region_code, count(*) as centers
    from centers_regional
    where ($region is null or region_code = $region)
      and ($capability is null or list_contains(capabilities, $capability))
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
