-- One row per ITU-D region (GLB excluded) and strategic capability: EoIs received in the period $period_start to $as_of listing it (demand, a flow), centers existing at $as_of and not closed listing it (supply, a stock), and the gap (demand minus supply); the same filters as capability_demand_supply. Params: $as_of, $period_start (NULL = no start), $region (NULL = all), $capability (NULL = all).
with demand as (
    select region_code, unnest(capabilities) as capability_code
    from macros.eois_in_scope($as_of, $period_start, $region, null)
),

supply as (
    select region_code, unnest(capabilities) as capability_code
    from macros.centers_in_scope($as_of, $region, null)
    where status <> 'closed'
),

demand_counted as (
    select region_code, capability_code, count(*) as eois,
    from demand
    group by region_code, capability_code
),

supply_counted as (
    select region_code, capability_code, count(*) as centers,
    from supply
    group by region_code, capability_code
),

final as (
    select
        r.region_code,
        r.region_name,
        c.capability_code,
        c.capability_name,
        coalesce(d.eois, 0) as eois,
        coalesce(s.centers, 0) as centers,
        coalesce(d.eois, 0) - coalesce(s.centers, 0) as gap,
    from regions r
    cross join capabilities c
    left join demand_counted d on d.region_code = r.region_code and d.capability_code = c.capability_code
    left join supply_counted s on s.region_code = r.region_code and s.capability_code = c.capability_code
    where r.region_code <> 'GLB'
      and ($region is null or r.region_code = $region)
      and ($capability is null or c.capability_code = $capability)
    order by
        r.sort_order,
        macros.capability_rank(c.capability_code)
)

select * from final
