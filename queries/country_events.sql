-- One row per event held in $country (capabilities by name) starting in the period $period_start to $as_of. Params: $country (ISO3), $as_of, $period_start (NULL = no start), $capability (NULL = all).
with final as (
    select
        event_id,
        title,
        start_date,
        end_date,
        event_type,
        format,
        city,
        participants,
        trained_certified,
        partners,
        macros.capability_names(ev.capabilities) as capabilities,
        array_to_string(regional_initiatives, '; ') as regional_initiatives,
    from macros.events_in_scope($as_of, $period_start, null, $capability) ev
    where ev.country = $country
    order by start_date, event_id
)

select * from final
