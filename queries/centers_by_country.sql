-- One row per country with at least one center existing at $as_of (every status, as the contract counts centers), with its ITU name and region name. Params: $as_of, $region (NULL = all), $capability (NULL = all).
with centers_counted as (
    select country,
    from macros.centers_in_scope($as_of, $region, $capability)
),

final as (
    select
        c.iso3,
        c.itu_name as country_name,
        r.region_name,
        count(*) as centers,
    from centers_counted ce
    join countries c on c.iso3 = ce.country
    left join regions r on r.region_code = c.region
    group by c.iso3, c.itu_name, r.region_name
    order by centers desc, country_name
)

select * from final
