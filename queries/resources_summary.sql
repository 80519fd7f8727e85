-- One row: USD mobilized by resources signed in the period $period_start to $as_of. Params: $as_of, $period_start (NULL = no start), $region (NULL = all).
with resources_counted as (
    select amount_usd
    from resources_regional
    where signed_on <= $as_of
      and ($period_start is null or signed_on >= $period_start)
      and ($region is null or region_code = $region)
),

final as (
    select
        coalesce(sum(amount_usd), 0) as resources_usd,
    from resources_counted
)

select * from final
