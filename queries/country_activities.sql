-- One row per regional-initiative activity in $country starting by $as_of (activities carry no capabilities). Params: $country (ISO3), $as_of.
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
    from activities
    where country = $country
      and start_date <= $as_of
    order by start_date, activity_id
)

select * from final
