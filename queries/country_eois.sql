-- One row per EoI from $country (center type and capabilities by name) received in the period $period_start to $as_of. Params: $country (ISO3), $as_of, $period_start (NULL = no start), $capability (NULL = all).
with final as (
    select
        eoi_id,
        received_on,
        organization,
        organization_type,
        request,
        coalesce(t.center_type_name, e.center_type) as center_type,
        (
            select string_agg(
                c.capability_name, '; '
                order by case c.capability_code when 'TRR' then 1 when 'OTI' then 2 when 'ESM' then 3 when 'PEX' then 4 else 5 end
            )
            from capabilities c
            where list_contains(e.capabilities, c.capability_code)
        ) as capabilities,
        status,
        call_round,
    from eois e
    left join center_types t on t.center_type_code = e.center_type
    where country = $country
      and received_on <= $as_of
      and ($period_start is null or received_on >= $period_start)
      and ($capability is null or list_contains(e.capabilities, $capability))
    order by received_on, eoi_id
)

select * from final
