-- One row per center type: the centers of that type existing at $as_of (from their first known date). Params: $as_of, $region (NULL = all), $capability (NULL = all).
with centers_counted as (
    select center_type, count(*) as centers
    from macros.centers_in_scope($as_of, $region, $capability)
    group by center_type
),

final as (
    select
        t.center_type_code as center_type,
        t.center_type_name,
        coalesce(c.centers, 0) as centers,
    from center_types t
    left join centers_counted c on c.center_type = t.center_type_code
    order by case t.center_type_code when 'TAC' then 1 when 'REEC' then 2 when 'IDTAC' then 3 else 4 end
)

select * from final
