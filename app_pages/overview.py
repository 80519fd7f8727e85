"""Overview, for BDT management: is the Alliance on track, where is it behind, what changed?"""

from alliance import words
from alliance.i18n import _
from alliance.kpis import region_names, tiles
from alliance.scorecard import cycle_of, cycle_start, overview_status
from components import auth, data
from components.edition_picker import choose_comparison
from components.layout import page_start
from components.milestones import render_milestone_lists
from components.tiles import render_eoi_trend, render_on_track, render_tiles

view = page_start(
    _("Overview"),
    _(
        "Where the Alliance stands on its key figures, what changed since the last approved edition (or a date you "
        "choose), and which milestones are late."
    ),
)
f = view.filters
current = data.summary(view, f.as_of, f.region, f.capability, f.period_start)
targets = data.frame(view, "kpi_targets", as_of=f.as_of, region=f.region).to_dict("records")
cycles = data.frame(view, "cycles_list").to_dict("records")
# Targets are set per plan cycle: progress counts from the start of the as-of date's cycle.
start = cycle_start(cycles, f.as_of)
in_cycle = data.summary(view, f.as_of, f.region, f.capability, start) if start else None
# The verdict first: it needs the figures and their targets, not the comparison.
render_on_track(
    overview_status(tiles(current, current, targets, in_cycle), current["milestones"], f.as_of, cycles),
    f.stock_label,
    auth.may("analyst"),
    regional=f.region is not None,
)
previous, since, against_edition = choose_comparison(view)
figures = tiles(current, previous, targets, in_cycle)
render_tiles(
    figures,
    since,
    data.frame(view, "kpi_definitions"),
    f.period_label,
    f.stock_label,
    edition=against_edition,
    progress_since=words.since_cycle(start, cycle_of(cycles, f.as_of)),
    region_name=region_names().get(f.region),
)

render_eoi_trend(data.frame(view, "eois_cumulative", **f.params), f.scope_label)

render_milestone_lists(
    data.frame(view, "milestones_status", as_of=f.as_of, limit=200),
    words.day(f.as_of),
    current["milestones"]["overdue"],
    analyst=auth.may("analyst"),
    regional=f.region is not None,
)
