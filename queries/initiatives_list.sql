-- One row per regional initiative (plan cycle, code): region name, title, whether the title is verified and whether the Alliance names it. Params: $region (NULL = all).
with final as (
    select
        i.cycle,
        i.code as initiative_code,
        r.region_name,
        i.title,
        coalesce(i.title_verified, false) as title_verified,
        coalesce(i.alliance, false) as named_by_alliance,
        i.source,
    from initiatives i
    left join regions r on r.region_code = i.region
    left join cycles c on c.cycle = i.cycle
    where ($region is null or i.region = $region)
    order by c.starts_on desc, r.sort_order, i.code
)

select * from final
