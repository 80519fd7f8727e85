-- One row per plan cycle, oldest first: its conference, the dates it covers and how many outcomes the store holds for it. Params: none.
with outcome_counts as (
    select cycle, count(*) as outcomes,
    from outcomes
    group by cycle
),

final as (
    select
        c.cycle,
        c.conference,
        c.starts_on,
        c.ends_on,
        coalesce(o.outcomes, 0) as outcomes,
    from cycles c
    left join outcome_counts o on o.cycle = c.cycle
    order by c.starts_on
)

select * from final
