-- One row: centers existing at $as_of (a stock: from their first known date), and centers launched in the period $period_start to $as_of (a flow: status launched, launch date in the period, whatever their first known date). Params: $as_of, $period_start (NULL = no start), $region (NULL = all), $capability (NULL = all).
with centers_existing as (
    select count(*) as centers,
    from macros.centers_in_scope($as_of, $region, $capability)
),

centers_launched as (
    select count(*) as launched,
    from macros.centers_in_scope(null, $region, $capability)
    where status = 'launched' and launched_on <= $as_of
      and ($period_start is null or launched_on >= $period_start)
),

final as (
    select
        e.centers,
        l.launched,
    from centers_existing e, centers_launched l
)

select * from final
