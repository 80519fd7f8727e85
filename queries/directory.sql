-- One row per EoI (received in the period $period_start to $as_of) or center (existing at $as_of, from its first known date) matching $search in its id, organization or name, country or city, up to $limit rows, each with the count of all matching rows and the codes behind its English labels. Params: $as_of, $period_start (NULL = no start), $region (NULL = all), $capability (NULL = all), $search (NULL or '' = all), $limit.
with requests as (
    select * from (values
        ('establish_center', 'Establish a center'), ('strengthen_center', 'Strengthen a center'),
        ('join_network', 'Join the network'), ('other', 'Other request')
    ) as r(request, request_label)
),

eoi_rows as (
    select
        'EoI' as kind,
        eoi_id as id,
        organization as name,
        country,
        null::varchar as city,
        region_code,
        request,
        center_type,
        null::varchar as scope,
        status,
        received_on as dated_on,
        capabilities,
        is_demo,
    from macros.eois_in_scope($as_of, $period_start, $region, $capability)
),

center_rows as (
    select
        'Center' as kind,
        center_id as id,
        name,
        country,
        city,
        region_code,
        null::varchar as request,
        center_type,
        scope,
        status,
        exists_from as dated_on,
        capabilities,
        is_demo,
    from macros.centers_in_scope($as_of, $region, $capability)
),

matching as (
    select x.*,
    from (select * from eoi_rows union all select * from center_rows) x
    -- case, not or: with no search, the ilike tests are not evaluated at all.
    where case
        when nullif(trim($search), '') is null then true
        else x.id ilike '%' || trim($search) || '%'
            or x.name ilike '%' || trim($search) || '%'
            or x.country ilike '%' || trim($search) || '%'
            or x.country in (select iso3 from countries where itu_name ilike '%' || trim($search) || '%')
            or x.city ilike '%' || trim($search) || '%'
    end
),

-- Cut to $limit rows before naming capabilities: only the rows shown are worked on.
shown as (
    select
        *,
        count(*) over () as rows_matching,
    from matching
    order by kind desc, dated_on desc nulls last, id
    limit $limit
),

named as (
    select
        m.*,
        co.itu_name as country_name,
        r.region_name,
        case
            when m.kind = 'EoI' then rq.request_label || coalesce(' (' || t.center_type_name || ')', '')
            else coalesce(t.center_type_name, m.center_type) || ', ' || m.scope
        end as type_or_request,
        macros.capability_names(m.capabilities) as capabilities_named,
    from shown m
    left join countries co on co.iso3 = m.country
    left join regions r on r.region_code = m.region_code
    left join requests rq on rq.request = m.request
    left join center_types t on t.center_type_code = m.center_type
),

final as (
    select
        kind,
        id,
        -- Blanks empty, not null: the directory shows and downloads them as empty cells.
        coalesce(name, '') as name,
        coalesce(country_name, '') as country_name,
        coalesce(city, '') as city,
        coalesce(region_name, '') as region_name,
        type_or_request,
        replace(status, '_', ' ') as status,
        dated_on,
        -- The codes behind the labels, for a page in another language to name them in it.
        request,
        center_type,
        scope,
        status as status_code,
        coalesce(capabilities_named, '') as capabilities,
        is_demo,
        rows_matching,
    from named
    order by kind desc, dated_on desc nulls last, id
)

select * from final
