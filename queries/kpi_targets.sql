-- One row per KPI with a target for the scope: the nearest target whose period ends on or after $as_of (else the latest). Params: $as_of, $region (NULL = Alliance-wide). Targets for one KAP outcome are the scorecard's, not the tiles'.
with scoped as (
    select kpi, period_end, target, source,
    from targets
    where region is not distinct from $region
      and kap_outcome is null
),

ranked as (
    select
        *,
        row_number() over (
            partition by kpi
            order by (period_end < $as_of), case when period_end >= $as_of then period_end end, period_end desc
        ) as rank_in_kpi,
    from scoped
),

final as (
    select
        t.kpi,
        k.name as kpi_name,
        t.period_end,
        t.target,
        t.source,
    from ranked t
    join kpis k on k.kpi_code = t.kpi
    where t.rank_in_kpi = 1
    order by t.kpi
)

select * from final
