-- One row per published figure (the Reported sheet) whose as_of falls in the period $period_start (NULL = the beginning) to $as_of and whose region is $region (NULL = the Alliance-wide rows), oldest first. Params: $as_of, $period_start, $region.
with reported_in_period as (
    select *
    from macros.reported_in_scope($as_of, $period_start)
    where region is not distinct from $region
),

final as (
    select
        kpi,
        value,
        qualifier,
        as_of,
        from_date,
        region,
        source,
        reported_id,
    from reported_in_period
    order by as_of, kpi, reported_id
)

select * from final
