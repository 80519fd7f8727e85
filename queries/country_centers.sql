-- One row per center in $country (every status, as the contract counts centers). Params: $country (ISO3), $capability (NULL = all).
with final as (
    select
        center_id,
        name,
        city,
        center_type,
        scope,
        ownership,
        host_organization,
        status,
        launched_on,
        eoi_id,
        array_to_string(capabilities, '; ') as capabilities,
    from centers
    where country = $country
      and ($capability is null or list_contains(capabilities, $capability))
    order by center_id
)

select * from final
