-- One row: centers existing at $as_of (a stock: from their first known date), and those launched in the period $period_start to $as_of (a flow). Params: $as_of, $period_start (NULL = no start), $region (NULL = all), $capability (NULL = all).
with centers_counted as (
    select *
    from centers_regional
    where (exists_from is null or exists_from <= $as_of)
      and ($region is null or region_code = $region)
      and ($capability is null or list_contains(capabilities, $capability))
),

final as (
    select
        count(*) as centers,
        count(*) filter (
            where status = 'launched' and launched_on <= $as_of
              and ($period_start is null or launched_on >= $period_start)
        ) as launched,
    from centers_counted
)

select * from final
