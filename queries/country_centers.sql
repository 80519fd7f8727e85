-- One row per center in $country (center type and capabilities by name) existing at $as_of (every status, as the contract counts centers), with its first known date (first_known_on). Params: $country (ISO3), $as_of, $capability (NULL = all).
with final as (
    select
        ce.center_id,
        ce.name,
        ce.city,
        coalesce(t.center_type_name, ce.center_type) as center_type,
        ce.scope,
        ce.ownership,
        ce.host_organization,
        ce.status,
        ce.exists_from as first_known_on,
        ce.selected_on,
        ce.launched_on,
        ce.eoi_id,
        (
            select string_agg(
                c.capability_name, '; '
                order by case c.capability_code when 'TRR' then 1 when 'OTI' then 2 when 'ESM' then 3 when 'PEX' then 4 else 5 end
            )
            from capabilities c
            where list_contains(ce.capabilities, c.capability_code)
        ) as capabilities,
    from centers ce
    left join center_types t on t.center_type_code = ce.center_type
    where ce.country = $country
      and (ce.exists_from is null or ce.exists_from <= $as_of)
      and ($capability is null or list_contains(ce.capabilities, $capability))
    order by ce.center_id
)

select * from final
