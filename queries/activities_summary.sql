-- One row: activities starting in the period $period_start to $as_of, and those of them completed. Params: $as_of, $period_start (NULL = no start), $region (NULL = all).
with final as (
    select
        count(*) as activities,
        count(*) filter (where status = 'completed') as completed,
    from macros.activities_in_scope($as_of, $period_start, $region)
)

select * from final
