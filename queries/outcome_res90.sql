-- One row per Kigali Action Plan outcome and Resolution 90 item ("resolves to instruct the Director of BDT") it serves, with the item's text. Params: none.
with links as (
    select
        o.cycle,
        o.code as outcome_code,
        try_cast(trim(unnest(string_split(o.res90_resolves, ';'))) as integer) as res90_number,
    from outcomes o
    where o.res90_resolves is not null
),

final as (
    select
        l.outcome_code,
        l.cycle,
        l.res90_number,
        r.text as res90_text,
    from links l
    join res90 r on r.number = l.res90_number
    order by l.cycle, l.outcome_code, l.res90_number
)

select * from final
