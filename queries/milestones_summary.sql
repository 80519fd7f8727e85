-- One row: every milestone (a stock), those done in the period $period_start to $as_of (a flow), and those overdue at $as_of: due before it, not done by it, with a stated due date (milestones are Alliance-wide). Params: $as_of, $period_start (NULL = no start).
with final as (
    select
        count(*) as milestones,
        count(*) filter (
            where completed_on <= $as_of and ($period_start is null or completed_on >= $period_start)
        ) as done,
        count(*) filter (
            where (completed_on is null or completed_on > $as_of) and due_on < $as_of
              and date_precision is distinct from 'not_stated'
        ) as overdue,
    from milestones
)

select * from final
