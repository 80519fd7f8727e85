-- One row per EoI from $country received by $as_of. Params: $country (ISO3), $as_of, $capability (NULL = all).
with final as (
    select
        eoi_id,
        received_on,
        organization,
        organization_type,
        request,
        center_type,
        array_to_string(capabilities, '; ') as capabilities,
        status,
        call_round,
    from eois
    where country = $country
      and received_on <= $as_of
      and ($capability is null or list_contains(capabilities, $capability))
    order by received_on, eoi_id
)

select * from final
