-- One row per strategic capability: code, name and description, in the order of seed 000 §2.1. Params: none.
with final as (
    select
        capability_code,
        capability_name,
        description,
        source,
    from capabilities
    order by case capability_code when 'TRR' then 1 when 'OTI' then 2 when 'ESM' then 3 when 'PEX' then 4 else 5 end
)

select * from final
