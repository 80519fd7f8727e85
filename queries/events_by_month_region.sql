-- One row per month and region (GLB: events with no country) with events starting between $period_start and $as_of: events, and participants and people trained or certified summed over the events that state them (NULL when none does: not recorded, never 0). Params: $as_of, $period_start, $region, $capability (NULL = all).
with events_counted as (
    select
        date_trunc('month', start_date)::date as month,
        region_code,
        participants,
        trained_certified,
    from macros.events_in_scope($as_of, $period_start, $region, $capability)
),

monthly as (
    select
        month,
        region_code,
        count(*) as events,
        sum(participants)::bigint as participants,
        sum(trained_certified)::bigint as trained_certified,
    from events_counted
    group by month, region_code
),

final as (
    select
        m.month,
        m.region_code,
        r.region_name,
        m.events,
        m.participants,
        m.trained_certified,
    from monthly m
    join regions r on r.region_code = m.region_code
    order by m.month, r.sort_order
)

select * from final
