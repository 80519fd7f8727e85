-- One row per ITU Member State: its ITU name, region code and name, and how many EoIs, centers, events and activities name it (any date). Params: none.
with named as (
    select country from eois
    union all
    select country from centers
    union all
    select country from events
    union all
    select country from activities
),

counted as (
    select country, count(*) as rows_total,
    from named
    where country is not null
    group by country
),

final as (
    select
        c.iso3,
        c.itu_name as country_name,
        c.region as region_code,
        r.region_name,
        coalesce(n.rows_total, 0) as rows_total,
    from countries c
    left join regions r on r.region_code = c.region
    left join counted n on n.country = c.iso3
    order by country_name
)

select * from final
