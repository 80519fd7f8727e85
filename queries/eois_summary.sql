-- One row: EoIs received in the period ($period_start to $as_of; a flow), their distinct countries, and center requests. Params: $as_of, $period_start (NULL = no start), $region (NULL = all), $capability (NULL = all).
with final as (
    select
        count(*) as eois,
        count(distinct country) as countries,
        count(*) filter (where request in ('establish_center', 'strengthen_center')) as center_requests,
    from macros.eois_in_scope($as_of, $period_start, $region, $capability)
)

select * from final
