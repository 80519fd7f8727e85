-- One row per calendar year in which an activity, or an event that counts as a product line, starts on or before $as_of, newest first. Params: $as_of.
with starts as (
    select start_date from activities where start_date <= $as_of
    union all
    select start_date from events where start_date <= $as_of and product is not null
),

final as (
    select distinct
        year(start_date) as year,
    from starts
    order by year desc
)

select * from final
