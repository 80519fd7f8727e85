-- One row per published figure (the Reported sheet) for one ITU-D region whose as_of falls in the period $period_start (NULL = the beginning) to $as_of, by region then oldest first, with the region's name. Params: $as_of, $period_start.
with reported_in_period as (
    select *
    from macros.reported_in_scope($as_of, $period_start)
    where region is not null
),

final as (
    select
        r.region,
        g.region_name,
        r.kpi,
        r.value,
        r.qualifier,
        r.as_of,
        r.from_date as "from",
        r.source,
    from reported_in_period r
    left join regions g on g.region_code = r.region
    order by g.sort_order, r.as_of, r.kpi, r.reported_id
)

select * from final
