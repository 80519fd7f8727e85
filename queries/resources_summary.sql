-- One row: USD mobilized by resources signed in the period $period_start to $as_of for region $region (NULL = all, Alliance-wide ones included; a region: those for it), how many resources that counts and how many state an amount, and the USD of the period's Alliance-wide resources (in no region's figures). Params: $as_of, $period_start (NULL = no start), $region (NULL = all).
with resources_in_period as (
    select amount_usd, region_code,
    from macros.resources_in_scope($as_of, $period_start, null)
),

final as (
    select
        coalesce(sum(amount_usd) filter (where $region is null or region_code = $region), 0) as resources_usd,
        count(*) filter (where $region is null or region_code = $region) as resources,
        count(amount_usd) filter (where $region is null or region_code = $region) as resources_stated,
        sum(amount_usd) filter (where region_code is null) as alliance_wide_usd,
    from resources_in_period
)

select * from final
