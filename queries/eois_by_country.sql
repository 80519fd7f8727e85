-- One row per country with at least one EoI received in the period $period_start to $as_of, with its ITU name and region name. Params: $as_of, $period_start (NULL = no start), $region (NULL = all), $capability (NULL = all).
with eois_counted as (
    select country,
    from macros.eois_in_scope($as_of, $period_start, $region, $capability)
),

final as (
    select
        c.iso3,
        c.itu_name as country_name,
        r.region_name,
        count(*) as eois,
    from eois_counted e
    join countries c on c.iso3 = e.country
    left join regions r on r.region_code = c.region
    group by c.iso3, c.itu_name, r.region_name
    order by eois desc, country_name
)

select * from final
