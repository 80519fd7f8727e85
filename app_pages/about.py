"""About: what the Alliance is, how each KPI is defined, and where the data comes from."""

from alliance.i18n import _
from components import data
from components.about import render_alliance, render_framework, render_initiatives, render_kpi_definitions, render_sources
from components.layout import page_start

view = page_start(
    _("About"),
    _(
        "The Innovation and Entrepreneurship Alliance for Digital Development, the figures this dashboard reports "
        "on it, and the sources behind them."
    ),
    needs_data=False,
)
f = view.filters
render_alliance(data.frame(view, "capabilities_list"), data.frame(view, "center_types_list"))
render_kpi_definitions(data.frame(view, "kpi_definitions"))
render_framework(data.frame(view, "outcomes_list"), data.frame(view, "res90_list"))
render_initiatives(data.frame(view, "initiatives_list", region=f.region), f.region_label)
render_sources(data.store(), data.loads(view), data.frame(view, "demo_rows"))
