-- One row per EoI (received by $as_of) or center matching $search in its id, organization or name, country or city, up to $limit rows, each with the count of all matching rows. Params: $as_of, $region (NULL = all), $capability (NULL = all), $search (NULL or '' = all), $limit.
with requests as (
    select * from (values
        ('establish_center', 'Establish a center'), ('strengthen_center', 'Strengthen a center'),
        ('join_network', 'Join the network'), ('other', 'Other request')
    ) as r(request, request_label)
),

eoi_rows as (
    select
        'EoI' as kind,
        e.eoi_id as id,
        e.organization as name,
        e.country,
        null::varchar as city,
        e.region_code,
        rq.request_label || coalesce(' (' || t.center_type_name || ')', '') as type_or_request,
        e.status,
        e.received_on as dated_on,
        e.capabilities,
        e.is_demo,
    from eois_regional e
    left join requests rq on rq.request = e.request
    left join center_types t on t.center_type_code = e.center_type
    where e.received_on <= $as_of
),

center_rows as (
    select
        'Center' as kind,
        c.center_id as id,
        c.name,
        c.country,
        c.city,
        c.region_code,
        coalesce(t.center_type_name, c.center_type) || ', ' || c.scope as type_or_request,
        c.status,
        c.launched_on as dated_on,
        c.capabilities,
        c.is_demo,
    from centers_regional c
    left join center_types t on t.center_type_code = c.center_type
),

matching as (
    select
        x.*,
        co.itu_name as country_name,
        r.region_name,
    from (select * from eoi_rows union all select * from center_rows) x
    left join countries co on co.iso3 = x.country
    left join regions r on r.region_code = x.region_code
    where ($region is null or x.region_code = $region)
      and ($capability is null or list_contains(x.capabilities, $capability))
      and (
          nullif(trim($search), '') is null
          or x.id ilike '%' || trim($search) || '%'
          or x.name ilike '%' || trim($search) || '%'
          or x.country ilike '%' || trim($search) || '%'
          or co.itu_name ilike '%' || trim($search) || '%'
          or x.city ilike '%' || trim($search) || '%'
      )
),

named as (
    select
        m.*,
        (
            select string_agg(
                c.capability_name, '; '
                order by case c.capability_code when 'TRR' then 1 when 'OTI' then 2 when 'ESM' then 3 when 'PEX' then 4 else 5 end
            )
            from capabilities c
            where list_contains(m.capabilities, c.capability_code)
        ) as capabilities_named,
    from matching m
),

final as (
    select
        kind,
        id,
        name,
        country_name,
        city,
        region_name,
        type_or_request,
        replace(status, '_', ' ') as status,
        dated_on,
        capabilities_named as capabilities,
        is_demo,
        count(*) over () as rows_matching,
    from named
    order by kind desc, dated_on desc nulls last, id
    limit $limit
)

select * from final
