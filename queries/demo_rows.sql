-- One row: how many demo rows the store holds, per table and in all. Params: none.
with counts as (
    select
        (select count(*) from eois where is_demo) as eois,
        (select count(*) from centers where is_demo) as centers,
        (select count(*) from events where is_demo) as events,
        (select count(*) from activities where is_demo) as activities,
        (select count(*) from milestones where is_demo) as milestones,
        (select count(*) from resources where is_demo) as resources,
        (select count(*) from targets where is_demo) as targets,
),

final as (
    select
        *,
        eois + centers + events + activities + milestones + resources + targets as demo_rows,
    from counts
)

select * from final
