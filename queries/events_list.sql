-- One row per event starting between $period_start and $as_of, newest first, up to $limit, with its country and region names and the count of all. Params: $as_of, $period_start, $region, $capability (NULL = all), $limit.
with events_counted as (
    select *, count(*) over () as events_all,
    from macros.events_in_scope($as_of, $period_start, $region, $capability)
    order by start_date desc, event_id
    limit $limit
),

final as (
    select
        e.event_id,
        e.title,
        e.start_date,
        e.end_date,
        replace(e.event_type, '_', ' ') as event_type,
        replace(e.format, '_', ' ') as format,
        c.itu_name as country_name,
        e.city,
        r.region_name,
        e.participants,
        e.participants_over,
        e.date_precision,
        e.countries_represented,
        e.trained_certified,
        e.partners,
        array_to_string(e.capabilities, '; ') as capabilities,
        array_to_string(e.regional_initiatives, '; ') as regional_initiatives,
        e.source,
        e.events_all,
    from events_counted e
    left join countries c on c.iso3 = e.country
    left join regions r on r.region_code = e.region_code
    order by e.start_date desc, e.event_id
)

select * from final
