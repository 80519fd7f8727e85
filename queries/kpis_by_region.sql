-- One row per ITU-D region (GLB excluded): the contract KPIs counted in that region, as `kpis --region` counts them (resources: those for that region; Alliance-wide ones are in none). Flows count the period $period_start to $as_of, stocks are at $as_of. Params: $as_of, $period_start (NULL = no start), $capability (NULL = all).
-- Each CTE reads the rows its contract query reads (eois_summary, centers_summary, events_summary,
-- activities_summary, resources_summary), in every region; activities and resources carry no capabilities.
with eois_by_region as (
    select
        region_code,
        count(*) as eois_total,
        count(distinct country) as eois_countries,
        count(*) filter (where request in ('establish_center', 'strengthen_center')) as eoi_center_requests,
    from macros.eois_in_scope($as_of, $period_start, null, $capability)
    group by region_code
),

centers_existing as (
    select region_code, count(*) as centers_total,
    from macros.centers_in_scope($as_of, null, $capability)
    group by region_code
),

centers_launched as (
    select region_code, count(*) as centers_launched,
    from macros.centers_in_scope(null, null, $capability)
    where status = 'launched' and launched_on <= $as_of
      and ($period_start is null or launched_on >= $period_start)
    group by region_code
),

events_by_region as (
    select
        region_code,
        count(*) as events_total,
        sum(participants) as event_participants,
        count(participants) as participants_stated,
        sum(trained_certified) as trained_certified,
        count(trained_certified) as trained_stated,
    from macros.events_in_scope($as_of, $period_start, null, $capability)
    group by region_code
),

activities_by_region as (
    select
        region_code,
        count(*) as activities_total,
    from macros.activities_in_scope($as_of, $period_start, null)
    group by region_code
),

resources_by_region as (
    select
        region_code,
        coalesce(sum(amount_usd), 0) as resources_usd,
        count(*) as resources_counted,
        count(amount_usd) as resources_stated,
    from macros.resources_in_scope($as_of, $period_start, null)
    group by region_code
),

final as (
    select
        r.region_code,
        r.region_name,
        coalesce(e.eois_total, 0) as eois_total,
        coalesce(e.eois_countries, 0) as eois_countries,
        coalesce(e.eoi_center_requests, 0) as eoi_center_requests,
        coalesce(c.centers_total, 0) as centers_total,
        coalesce(l.centers_launched, 0) as centers_launched,
        coalesce(v.events_total, 0) as events_total,
        -- NULL where no event of the region states the figure: not recorded, never 0.
        v.event_participants::bigint as event_participants,
        coalesce(v.participants_stated, 0) as participants_stated,
        v.trained_certified::bigint as trained_certified,
        coalesce(v.trained_stated, 0) as trained_stated,
        coalesce(a.activities_total, 0) as activities_total,
        coalesce(s.resources_usd, 0)::double as resources_usd,
        -- Resources for the region, and how many state an amount: USD 0 of none that state one is not recorded.
        coalesce(s.resources_counted, 0) as resources_counted,
        coalesce(s.resources_stated, 0) as resources_stated,
    from regions r
    left join eois_by_region e on e.region_code = r.region_code
    left join centers_existing c on c.region_code = r.region_code
    left join centers_launched l on l.region_code = r.region_code
    left join events_by_region v on v.region_code = r.region_code
    left join activities_by_region a on a.region_code = r.region_code
    left join resources_by_region s on s.region_code = r.region_code
    where r.region_code <> 'GLB'
    order by r.sort_order
)

select * from final
