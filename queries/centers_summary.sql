-- One row: every center, and those launched on or before $as_of. Params: $as_of, $region (NULL = all), $capability (NULL = all).
with centers_counted as (
    select *
    from centers_regional
    where ($region is null or region_code = $region)
      and ($capability is null or list_contains(capabilities, $capability))
),

final as (
    select
        count(*) as centers,
        count(*) filter (where status = 'launched' and launched_on <= $as_of) as launched,
    from centers_counted
)

select * from final
