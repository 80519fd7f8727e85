-- One row: every milestone, those done by $as_of, and those overdue at $as_of (milestones are Alliance-wide). Params: $as_of.
with final as (
    select
        count(*) as milestones,
        count(*) filter (where completed_on <= $as_of) as done,
        count(*) filter (where (completed_on is null or completed_on > $as_of) and due_on < $as_of) as overdue,
    from milestones
)

select * from final
