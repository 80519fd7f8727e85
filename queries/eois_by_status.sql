-- One row per EoI status, in pipeline order, EoIs received in the period $period_start to $as_of. Params: $as_of, $period_start (NULL = no start), $region (NULL = all), $capability (NULL = all).
with statuses as (
    select * from (values
        (1, 'received'), (2, 'under_review'), (3, 'validated'),
        (4, 'declined'), (5, 'withdrawn'), (6, 'onboarded')
    ) as s(sort_order, status)
),

eois_counted as (
    select status, count(*) as eois
    from macros.eois_in_scope($as_of, $period_start, $region, $capability)
    group by status
),

final as (
    select
        s.status,
        coalesce(e.eois, 0) as eois,
    from statuses s
    left join eois_counted e on e.status = s.status
    order by s.sort_order
)

select * from final
