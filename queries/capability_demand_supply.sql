-- One row per strategic capability: EoIs by $as_of listing it (demand), centers not closed listing it (supply). Params: $as_of, $region (NULL = all), $capability (NULL = all).
with demand as (
    select unnest(capabilities) as capability_code
    from eois_regional
    where received_on <= $as_of
      and ($region is null or region_code = $region)
),

supply as (
    select unnest(capabilities) as capability_code
    from centers_regional
    where status <> 'closed'
      and ($region is null or region_code = $region)
),

final as (
    select
        c.capability_code,
        c.capability_name,
        (select count(*) from demand d where d.capability_code = c.capability_code) as eois,
        (select count(*) from supply s where s.capability_code = c.capability_code) as centers,
    from capabilities c
    where ($capability is null or c.capability_code = $capability)
    order by case c.capability_code when 'TRR' then 1 when 'OTI' then 2 when 'ESM' then 3 when 'PEX' then 4 else 5 end
)

select * from final
