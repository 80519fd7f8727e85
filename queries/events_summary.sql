-- One row: events starting in the period $period_start to $as_of (a flow); their participants and people trained or certified, summed over the events that state the figure (NULL when none does: a blank is unknown, never 0), how many state each, and whether the participants are a lower bound (some counts being "over N"). Params: $as_of, $period_start (NULL = no start), $region (NULL = all), $capability (NULL = all).
with final as (
    select
        count(*) as events,
        sum(participants) as participants,
        count(participants) as participants_stated,
        sum(trained_certified) as trained_certified,
        count(trained_certified) as trained_stated,
        coalesce(bool_or(participants_over), false) as participants_over,
    from macros.events_in_scope($as_of, $period_start, $region, $capability)
)

select * from final
