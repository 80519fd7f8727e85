-- One row per EoI from $country received in the period $period_start to $as_of. Params: $country (ISO3), $as_of, $period_start (NULL = no start), $capability (NULL = all).
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
      and ($period_start is null or received_on >= $period_start)
      and ($capability is null or list_contains(capabilities, $capability))
    order by received_on, eoi_id
)

select * from final
