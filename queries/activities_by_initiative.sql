-- One row per regional-initiative code with at least one activity starting in the period $period_start to $as_of, counted under its initiative's region. Params: $as_of, $period_start (NULL = no start), $region (NULL = all).
with activities_counted as (
    select regional_initiative
    from macros.activities_in_scope($as_of, $period_start, $region)
),

final as (
    select
        regional_initiative,
        count(*) as activities,
    from activities_counted
    group by regional_initiative
    order by regional_initiative
)

select * from final
