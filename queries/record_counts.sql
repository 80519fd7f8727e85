-- One row: how many records the store holds per data table and in all (reference tables aside). Params: none.
with counts as (
    select
        (select count(*) from eois) as eois,
        (select count(*) from centers) as centers,
        (select count(*) from events) as events,
        (select count(*) from activities) as activities,
        (select count(*) from milestones) as milestones,
        (select count(*) from resources) as resources,
),

final as (
    select
        *,
        eois + centers + events + activities + milestones + resources as records,
    from counts
)

select * from final
