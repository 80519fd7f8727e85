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
        macros.capability_names(ce.capabilities) as capabilities,
    from macros.centers_in_scope($as_of, null, $capability) ce
    left join center_types t on t.center_type_code = ce.center_type
    where ce.country = $country
    order by ce.center_id
)

select * from final
