-- One row per action-plan outcome of plan cycle $cycle and measure (its linked activities: total, completed, beneficiaries (NULL when none states them); its linked milestones announced by then: total, done, overdue): the actual at $as_of, or at the end of the cycle when it ended before (final results do not move), and the target set for the measure's KPI, if any. Params: $cycle, $as_of, $region (NULL = all; targets with no region).
with measures as (
    select * from (values
        (1, 'Activities', 'activities_total', true),
        (2, 'Activities completed', 'activities_completed', true),
        (3, 'Beneficiaries', null, false),
        (4, 'Milestones', 'milestones_total', true),
        (5, 'Milestones done', 'milestones_done', true),
        (6, 'Milestones overdue', 'milestones_overdue', false)
    ) as m(measure_order, measure, kpi_code, takes_target)
),

outcome_rows as (
    select
        o.cycle,
        o.code as outcome_code,
        o.priority as priority_code,
        p.title as priority_title,
        o.title as outcome_title,
        array_to_string(list_transform(string_split(o.res90_resolves, ';'), lambda x: trim(x)), ', ') as res90_resolves,
        cy.starts_on as cycle_starts_on,
        least($as_of, cy.ends_on) as counted_to,
        -- Codes are reused across plan cycles: a code found in one cycle only links whatever the row's date.
        count(*) over (partition by o.code) as cycles_with_code,
    from outcomes o
    left join kap_priorities p on p.cycle = o.cycle and p.code = o.priority
    left join cycles cy on cy.cycle = o.cycle
),

outcome_rows_in_cycle as (
    select * from outcome_rows where cycle = $cycle
),

activities_linked as (
    select kap_outcome, cycle, start_date, status, beneficiaries,
    from macros.activities_in_scope($as_of, null, $region)
    where kap_outcome is not null
),

-- Milestones belong to the whole Alliance (data contract): not filtered by region.
milestones_linked as (
    select
        m.kap_outcome,
        cy.cycle,
        m.completed_on,
        m.due_on,
        m.date_precision,
        m.completed_precision,
        m.announced_on,
    from milestones m
    -- A milestone's cycle is that of its due date, else of its completion, else of its announcement.
    left join cycles cy on coalesce(m.due_on, m.completed_on, m.announced_on) between cy.starts_on and cy.ends_on
    where m.kap_outcome is not null
),

activity_counts as (
    select
        o.cycle,
        o.outcome_code,
        count(a.kap_outcome) as activities_total,
        count(a.kap_outcome) filter (where a.status = 'completed') as activities_completed,
        -- NULL when no linked activity states its beneficiaries: not recorded, never 0.
        sum(a.beneficiaries)::bigint as beneficiaries,
    from outcome_rows_in_cycle o
    left join activities_linked a
        on a.kap_outcome = o.outcome_code and (a.cycle = o.cycle or o.cycles_with_code = 1)
        and a.start_date <= o.counted_to
    group by o.cycle, o.outcome_code
),

milestone_counts as (
    select
        o.cycle,
        o.outcome_code,
        count(m.kap_outcome) as milestones_total,
        -- Done by then, or done on a date its source does not give (as the milestones table says).
        count(m.kap_outcome) filter (
            where m.completed_on <= o.counted_to or (m.completed_on is null and m.completed_precision = 'not_stated')
        ) as milestones_done,
        count(m.kap_outcome) filter (
            where (m.completed_on is null or m.completed_on > o.counted_to) and m.due_on < o.counted_to
              and m.date_precision is distinct from 'not_stated'
              and (m.completed_on is not null or m.completed_precision is distinct from 'not_stated')
        ) as milestones_overdue,
    from outcome_rows_in_cycle o
    left join milestones_linked m
        on m.kap_outcome = o.outcome_code and (m.cycle = o.cycle or o.cycles_with_code = 1)
        and (m.announced_on is null or m.announced_on <= o.counted_to)
    group by o.cycle, o.outcome_code
),

-- The same choice of target as kpi_targets.sql: the nearest period end on or after $as_of, else the latest.
-- A target counts for an outcome only when its Targets row names that outcome (kap_outcome).
targets_ranked as (
    select
        t.kpi,
        t.kap_outcome,
        t.period_end,
        t.target,
        row_number() over (
            partition by t.kpi, t.kap_outcome
            order by (t.period_end < $as_of), case when t.period_end >= $as_of then t.period_end end, t.period_end desc
        ) as rank_in_kpi,
    from targets t
    where t.region is not distinct from $region
      and t.kap_outcome is not null
),

targets_chosen as (
    select
        t.kpi,
        t.kap_outcome,
        t.period_end,
        t.target,
        cy.starts_on as cycle_starts_on,
    from targets_ranked t
    left join cycles cy on t.period_end between cy.starts_on and cy.ends_on
    where t.rank_in_kpi = 1
),

final as (
    select
        o.outcome_code,
        o.cycle,
        o.priority_code,
        o.priority_title,
        o.outcome_title,
        o.res90_resolves,
        m.measure_order,
        m.measure,
        m.kpi_code,
        case m.measure_order
            when 1 then a.activities_total
            when 2 then a.activities_completed
            when 3 then a.beneficiaries
            when 4 then ms.milestones_total
            when 5 then ms.milestones_done
            else ms.milestones_overdue
        end as actual,
        t.target,
        t.period_end as target_period_end,
        coalesce(t.cycle_starts_on, o.cycle_starts_on) as target_cycle_starts_on,
    from outcome_rows_in_cycle o
    cross join measures m
    join activity_counts a on a.cycle = o.cycle and a.outcome_code = o.outcome_code
    join milestone_counts ms on ms.cycle = o.cycle and ms.outcome_code = o.outcome_code
    left join targets_chosen t on m.takes_target and t.kpi = m.kpi_code and t.kap_outcome = o.outcome_code
    order by o.cycle, o.outcome_code, m.measure_order
)

select * from final
