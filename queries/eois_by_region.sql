-- One row per ITU-D region (GLB excluded), EoIs received in the period $period_start to $as_of. Params: $as_of, $period_start (NULL = no start), $region (NULL = all), $capability (NULL = all).
with eois_counted as (
    select region_code, count(*) as eois
    from macros.eois_in_scope($as_of, $period_start, $region, $capability)
    group by region_code
),

final as (
    select
        r.region_code,
        r.region_name,
        coalesce(e.eois, 0) as eois,
    from regions r
    left join eois_counted e on e.region_code = r.region_code
    where r.region_code <> 'GLB'
    order by r.sort_order
)

select * from final
