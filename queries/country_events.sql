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
        (
            select string_agg(
                c.capability_name, '; '
                order by case c.capability_code when 'TRR' then 1 when 'OTI' then 2 when 'ESM' then 3 when 'PEX' then 4 else 5 end
            )
            from capabilities c
            where list_contains(ev.capabilities, c.capability_code)
        ) as capabilities,
        array_to_string(regional_initiatives, '; ') as regional_initiatives,
    from events ev
    where country = $country
      and start_date <= $as_of
      and ($period_start is null or start_date >= $period_start)
      and ($capability is null or list_contains(ev.capabilities, $capability))
    order by start_date, event_id
)

select * from final
