-- One row per center type: code, name, ownership, scope and resources, in the order of seed 000 §2.3. Params: none.
with final as (
    select
        center_type_code,
        center_type_name,
        ownership,
        scope,
        resources,
        source,
    from center_types
    order by case center_type_code when 'TAC' then 1 when 'REEC' then 2 when 'IDTAC' then 3 else 4 end
)

select * from final
