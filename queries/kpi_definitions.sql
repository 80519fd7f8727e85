-- One row per KPI the app lists: code, name, definition, unit and the query file that computes it. Params: none.
with final as (
    select
        kpi_code,
        name,
        definition,
        unit,
        query,
    from kpis
    order by kpi_code
)

select * from final
