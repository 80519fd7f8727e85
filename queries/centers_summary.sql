-- One row: centers existing at $as_of (a stock: from their first known date), and centers launched in the period $period_start to $as_of (a flow: status launched, launch date in the period, whatever their first known date). Params: $as_of, $period_start (NULL = no start), $region (NULL = all), $capability (NULL = all).
with centers_in_scope as (
    select exists_from, status, launched_on,
    from centers_regional
    where ($region is null or region_code = $region)
      and ($capability is null or list_contains(capabilities, $capability))
),

final as (
    select
        count(*) filter (where exists_from is null or exists_from <= $as_of) as centers,
        count(*) filter (
            where status = 'launched' and launched_on <= $as_of
              and ($period_start is null or launched_on >= $period_start)
        ) as launched,
    from centers_in_scope
)

select * from final
