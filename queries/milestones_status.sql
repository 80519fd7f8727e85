-- One row per milestone with its status at $as_of: done (completed by then), overdue (due before and not done), or due. Params: $as_of.
with status as (
    select
        m.milestone_id,
        m.title,
        m.kap_outcome,
        m.due_on,
        m.completed_on,
        m.owner,
        m.source,
        case
            when m.completed_on <= $as_of then 'done'
            when m.due_on < $as_of then 'overdue'
            else 'due'
        end as status,
        case when m.completed_on <= $as_of then null else datediff('day', m.due_on, $as_of) end as days_past_due,
    from milestones m
),

final as (
    select *
    from status
    order by due_on, milestone_id
)

select * from final
