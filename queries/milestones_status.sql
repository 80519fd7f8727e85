-- One row per milestone existing at $as_of (announced by then, or never said when) with its status then: done (completed by then, or completed on a date not stated), open (not done, due date not stated), overdue (due before and not done), or due; the $limit most pressing (overdue oldest first, then due soonest, then done latest), each with the count of all. Params: $as_of, $limit.
with status as (
    select
        m.milestone_id,
        m.title,
        m.kap_outcome,
        -- The outcome in words beside its code ("DT2: Enhanced human ..."); a code the store does not know stays alone.
        coalesce(m.kap_outcome || ': ' || (select any_value(o.title) from outcomes o where o.code = m.kap_outcome), m.kap_outcome)
            as kap_outcome_label,
        m.due_on,
        m.completed_on,
        m.owner,
        m.source,
        m.date_precision,
        m.completed_precision,
        case
            when m.completed_on <= $as_of or (m.completed_on is null and m.completed_precision = 'not_stated') then 'done'
            when m.due_on is null or m.date_precision = 'not_stated' then 'open'
            when m.due_on < $as_of then 'overdue'
            else 'due'
        end as status,
        case
            when m.completed_on <= $as_of or m.due_on is null or m.date_precision = 'not_stated' then null
            when m.completed_on is null and m.completed_precision = 'not_stated' then null
            else datediff('day', m.due_on, $as_of)
        end as days_past_due,
    from macros.milestones_in_scope($as_of) m
),

pressing as (
    select
        *,
        count(*) over () as milestones_all,
    from status
    order by
        case status when 'overdue' then 1 when 'due' then 2 when 'open' then 3 else 4 end,
        case when status = 'done' then null else due_on end,
        completed_on desc,
        milestone_id
    limit $limit
),

final as (
    select *
    from pressing
    order by due_on, milestone_id
)

select * from final
