-- One row per EoI from $country (center type and capabilities by name) received in the period $period_start to $as_of. Params: $country (ISO3), $as_of, $period_start (NULL = no start), $capability (NULL = all).
with final as (
    select
        eoi_id,
        received_on,
        organization,
        organization_type,
        request,
        coalesce(t.center_type_name, e.center_type) as center_type,
        macros.capability_names(e.capabilities) as capabilities,
        status,
        call_round,
    from macros.eois_in_scope($as_of, $period_start, null, $capability) e
    left join center_types t on t.center_type_code = e.center_type
    where e.country = $country
    order by received_on, eoi_id
)

select * from final
