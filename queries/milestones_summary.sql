-- One row: the milestones existing at $as_of (announced by then, or with no announcement date: a stock), those done in the period $period_start to $as_of (a flow; a completion whose date is not stated is in no period), and those overdue at $as_of: existing, due before it with a stated due date, not done by it (milestones are Alliance-wide). Params: $as_of, $period_start (NULL = no start).
with milestones_existing as (
    select *
    from macros.milestones_in_scope($as_of)
),

final as (
    select
        count(*) as milestones,
        count(*) filter (
            where completed_on <= $as_of and ($period_start is null or completed_on >= $period_start)
        ) as done,
        count(*) filter (
            where (completed_on is null or completed_on > $as_of) and due_on < $as_of
              and date_precision is distinct from 'not_stated'
              and (completed_on is not null or completed_precision is distinct from 'not_stated')
        ) as overdue,
    from milestones_existing
)

select * from final
