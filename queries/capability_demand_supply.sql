-- One row per strategic capability: EoIs received in the period $period_start to $as_of listing it (demand, a flow), centers existing at $as_of and not closed listing it (supply, a stock). Params: $as_of, $period_start (NULL = no start), $region (NULL = all), $capability (NULL = all).
with demand as (
    select unnest(capabilities) as capability_code
    from macros.eois_in_scope($as_of, $period_start, $region, null)
),

supply as (
    select unnest(capabilities) as capability_code
    from macros.centers_in_scope($as_of, $region, null)
    where status <> 'closed'
),

demand_counts as (
    select capability_code, count(*) as eois,
    from demand
    group by capability_code
),

supply_counts as (
    select capability_code, count(*) as centers,
    from supply
    group by capability_code
),

final as (
    select
        c.capability_code,
        c.capability_name,
        coalesce(d.eois, 0) as eois,
        coalesce(s.centers, 0) as centers,
    from capabilities c
    left join demand_counts d on d.capability_code = c.capability_code
    left join supply_counts s on s.capability_code = c.capability_code
    where ($capability is null or c.capability_code = $capability)
    order by macros.capability_rank(c.capability_code)
)

select * from final
