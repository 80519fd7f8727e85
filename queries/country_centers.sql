-- One row per center in $country existing at $as_of (every status, as the contract counts centers), with its first known date (first_known_on). Params: $country (ISO3), $as_of, $capability (NULL = all).
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
        exists_from as first_known_on,
        selected_on,
        launched_on,
        eoi_id,
        array_to_string(capabilities, '; ') as capabilities,
    from centers
    where country = $country
      and (exists_from is null or exists_from <= $as_of)
      and ($capability is null or list_contains(capabilities, $capability))
    order by center_id
)

select * from final
