-- One row per center scope and status (every pair, zeros included): the centers existing at $as_of (from their first known date) with that scope and their status at $as_of (recorded as launched but launched later: selected). Params: $as_of, $region (NULL = all), $capability (NULL = all).
with scopes as (
    select * from (values
        (1, 'global', 'Global'), (2, 'regional', 'Regional'), (3, 'national', 'National')
    ) as s(scope_order, scope, scope_label)
),

statuses as (
    select * from (values
        (1, 'prospective', 'Prospective'), (2, 'selected', 'Selected'), (3, 'launched', 'Launched'),
        (4, 'suspended', 'Suspended'), (5, 'closed', 'Closed')
    ) as s(status_order, status, status_label)
),

-- A center recorded as launched on a date after $as_of was not launched yet then: it counts as selected.
centers_at_as_of as (
    select
        scope,
        case when status = 'launched' and launched_on > $as_of then 'selected' else status end as status,
    from macros.centers_in_scope($as_of, $region, $capability)
),

centers_counted as (
    select scope, status, count(*) as centers,
    from centers_at_as_of
    group by scope, status
),

final as (
    select
        sc.scope,
        sc.scope_label,
        st.status,
        st.status_label,
        coalesce(c.centers, 0) as centers,
    from scopes sc
    cross join statuses st
    left join centers_counted c on c.scope = sc.scope and c.status = st.status
    order by sc.scope_order, st.status_order
)

select * from final
