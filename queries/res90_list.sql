-- One row per item of Resolution 90 (Kigali, 2022), resolves to instruct the Director of BDT. Params: none.
with final as (
    select
        code as res90_code,
        number as item,
        text as item_text,
        source,
    from res90
    order by number
)

select * from final
