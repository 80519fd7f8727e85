-- One row per regional initiative (code and plan cycle), product line and status: activities starting between $period_start and $as_of, with the initiative's region name and its title (NULL where no title is known: the reference data write "<code> (title not found)"). Params: $as_of, $period_start, $region (NULL = all).
with activities_counted as (
    select
        regional_initiative,
        cycle,
        product,
        status,
    from macros.activities_in_scope($as_of, $period_start, $region)
),

counted as (
    select
        regional_initiative,
        cycle,
        product,
        status,
        count(*) as activities,
    from activities_counted
    group by regional_initiative, cycle, product, status
),

final as (
    select
        c.regional_initiative,
        c.cycle,
        case when not starts_with(i.title, i.code || ' (title not') then i.title end as initiative_title,
        r.region_name,
        c.product,
        c.status,
        c.activities,
    from counted c
    left join initiatives i on i.code = c.regional_initiative and i.cycle = c.cycle
    left join regions r on r.region_code = i.region
    order by
        r.sort_order,
        c.regional_initiative,
        c.cycle,
        case c.product
            when 'knowledge_sharing' then 1 when 'capacity_building' then 2
            when 'innovation_assessment' then 3 else 4
        end,
        case c.status when 'planned' then 1 when 'ongoing' then 2 when 'completed' then 3 else 4 end
)

select * from final
