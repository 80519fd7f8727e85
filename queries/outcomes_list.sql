-- One row per results-framework outcome: code, plan cycle, priority and its title, the Resolution 90 items it serves. Params: none.
with final as (
    select
        o.code as outcome_code,
        o.cycle,
        o.priority as priority_code,
        p.title as priority_title,
        o.title as outcome_title,
        o.res90_resolves,
        o.source,
    from outcomes o
    left join kap_priorities p on p.code = o.priority and p.cycle = o.cycle
    order by o.cycle desc, o.code
)

select * from final
