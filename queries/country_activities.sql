-- One row per regional-initiative activity in $country starting in the period $period_start to $as_of (activities carry no capabilities). Params: $country (ISO3), $as_of, $period_start (NULL = no start).
with final as (
    select
        activity_id,
        regional_initiative,
        title,
        product,
        start_date,
        status,
        kap_outcome,
        beneficiaries,
    from macros.activities_in_scope($as_of, $period_start, null)
    where country = $country
    order by start_date, activity_id
)

select * from final
