-- One row per strategic capability: EoIs received in the period $period_start to $as_of listing it (demand, a flow), centers existing at $as_of and not closed listing it (supply, a stock). Params: $as_of, $period_start (NULL = no start), $region (NULL = all), $capability (NULL = all).
with demand as (
    select unnest(capabilities) as capability_code
    from eois_regional
    where received_on <= $as_of
      and ($period_start is null or received_on >= $period_start)
      and ($region is null or region_code = $region)
),

supply as (
    select unnest(capabilities) as capability_code
    from centers_regional
    where status <> 'closed'
      and (exists_from is null or exists_from <= $as_of)
      and ($region is null or region_code = $region)
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
    order by case c.capability_code when 'TRR' then 1 when 'OTI' then 2 when 'ESM' then 3 when 'PEX' then 4 else 5 end
)

select * from final
