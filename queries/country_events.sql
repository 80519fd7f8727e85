-- One row per event held in $country starting in the period $period_start to $as_of. Params: $country (ISO3), $as_of, $period_start (NULL = no start), $capability (NULL = all).
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
        array_to_string(capabilities, '; ') as capabilities,
        array_to_string(regional_initiatives, '; ') as regional_initiatives,
    from events
    where country = $country
      and start_date <= $as_of
      and ($period_start is null or start_date >= $period_start)
      and ($capability is null or list_contains(capabilities, $capability))
    order by start_date, event_id
)

select * from final
