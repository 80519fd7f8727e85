-- One row per strategic capability: code, name and description, in the order of seed 000 §2.1. Params: none.
with final as (
    select
        capability_code,
        capability_name,
        description,
        source,
    from capabilities
    order by macros.capability_rank(capability_code)
)

select * from final
