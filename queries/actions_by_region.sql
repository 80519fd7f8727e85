-- One row per ITU-D region (GLB excluded) in the layout of the 2018 innovation report's table of actions by region: activities, and events that count as a product line, starting in $year (NULL: any year) and in the period $period_start (NULL: no start) to $as_of, counted by product line in the region of their regional initiative (read in the plan cycle of their start date), else of their country. Params: $year, $period_start, $as_of, $region (NULL = all).
with actions as (
    select region_code, product, start_date,
    from macros.activities_in_scope($as_of, $period_start, null)
    union all
    -- An event counts in the region of its action (action_region), not its own: the region is chosen below.
    select action_region as region_code, product, start_date,
    from macros.events_in_scope($as_of, $period_start, null, null)
    where product is not null
),

actions_counted as (
    select region_code, product,
    from actions
    where ($year is null or year(start_date) = $year)
      and ($region is null or region_code = $region)
),

final as (
    select
        r.region_name,
        count(a.product) filter (where a.product = 'knowledge_sharing') as knowledge_sharing,
        count(a.product) filter (where a.product = 'capacity_building') as capacity_building,
        count(a.product) filter (where a.product = 'innovation_assessment') as innovation_assessment,
        count(a.product) filter (where a.product = 'project_cocreation') as project_cocreation,
    from regions r
    left join actions_counted a on a.region_code = r.region_code
    where r.region_code <> 'GLB'
    group by r.region_code, r.region_name, r.sort_order
    order by r.sort_order
)

select * from final
