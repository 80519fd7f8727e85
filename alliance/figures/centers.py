"""Plotly figures for the Centers and EoIs page: the EoI pipeline, centers by type, scope and status. No Streamlit here."""

import textwrap

import pandas as pd
import plotly.graph_objects as go

from alliance.figures import plain_label
from alliance.figures.theme import PALETTE
from alliance.i18n import N_, _

# EoI statuses by code, in the pipeline and out of it; shown through _().
PIPELINE = {
    "received": N_("Received"),
    "under_review": N_("Under review"),
    "validated": N_("Validated"),
    "onboarded": N_("Onboarded"),
}
LEFT = {"declined": N_("Declined"), "withdrawn": N_("Withdrawn")}
# Center scopes and statuses as centers_by_scope_status.sql labels them (in English, shown through _()), and each
# status's colour by that label.
SCOPES = (N_("Global"), N_("Regional"), N_("National"))
STATUS_COLORS = {
    N_("Prospective"): PALETTE[4],
    N_("Selected"): PALETTE[0],
    N_("Launched"): PALETTE[2],
    N_("Suspended"): PALETTE[1],
    N_("Closed"): PALETTE[7],
}


def _wrap(text: str, width: int) -> str:
    text = plain_label(text)
    return "<br>".join(textwrap.wrap(text, width, break_long_words=False)) or text


def eoi_pipeline(frame: pd.DataFrame) -> go.Figure:
    """EoIs at each status, from received to onboarded, with declined and withdrawn apart below."""
    counts = dict(zip(frame["status"], frame["eois"].astype(int).tolist()))
    total = sum(counts.values()) or 1
    top = max(1, *counts.values())
    # One figure built at once: each add_trace and update_layout would validate the whole figure again.
    traces = []
    for name, labels, color in ((_("In the pipeline"), PIPELINE, PALETTE[0]), (_("Left the pipeline"), LEFT, PALETTE[5])):
        values = [counts.get(code, 0) for code in labels]
        traces.append(
            dict(
                type="bar",
                y=[_(label) for label in labels.values()],
                x=values,
                name=name,
                orientation="h",
                marker=dict(color=color),
                text=[f"{v} ({v / total:.0%})" for v in values],
                textposition="outside",
                cliponaxis=False,
                hovertemplate=_("%{y}: %{x} EoIs") + "<extra></extra>",
            )
        )
    return go.Figure(
        data=traces,
        layout=dict(
            # Room on the right for the labels outside the longest bar.
            xaxis=dict(title=dict(text=_("EoIs at this status")), showgrid=True, gridcolor="#e5e7eb", range=[0, top * 1.3]),
            yaxis=dict(
                autorange="reversed",
                categoryorder="array",
                categoryarray=[_(label) for label in (*PIPELINE.values(), *LEFT.values())],
                showgrid=False,
                automargin=True,
            ),
            bargap=0.3,
        ),
    )


def centers_by_type_bars(frame: pd.DataFrame) -> go.Figure:
    """Centers per center type, type names spelled out."""
    centers = frame["centers"].astype(int).tolist()
    top = max([1, *centers])
    return go.Figure(
        data=[
            dict(
                type="bar",
                y=[_wrap(name, 26) for name in frame["center_type_name"]],
                x=centers,
                orientation="h",
                marker=dict(color=PALETTE[0]),
                text=centers,
                textposition="outside",
                cliponaxis=False,
                customdata=[plain_label(name) for name in frame["center_type_name"]],
                hovertemplate=_("%{customdata}: %{x} centers") + "<extra></extra>",
            )
        ],
        layout=dict(
            xaxis=dict(
                title=dict(text=_("Centers")),
                showgrid=True,
                gridcolor="#e5e7eb",
                dtick=1 if top <= 10 else None,
                range=[0, top * 1.15],
            ),
            yaxis=dict(autorange="reversed", showgrid=False, automargin=True),
            showlegend=False,
            bargap=0.35,
        ),
    )


def centers_scope_status_bars(frame: pd.DataFrame) -> go.Figure:
    """Centers per scope, stacked by status; statuses with no center are left out of the legend."""
    # Plain lists grouped by hand: the frame is a few rows, and pandas' groupby costs more than the figure.
    parts: dict[str, tuple[list, list]] = {}
    tallest: dict[str, int] = {}
    for scope, status, centers in zip(frame["scope_label"], frame["status_label"], frame["centers"].astype(int).tolist()):
        scopes, values = parts.setdefault(status, ([], []))
        scopes.append(plain_label(_(scope)))
        values.append(centers)
        tallest[scope] = tallest.get(scope, 0) + centers
    traces = [
        dict(
            type="bar",
            x=scopes,
            y=values,
            name=plain_label(_(status)),
            marker=dict(color=STATUS_COLORS.get(status, PALETTE[3])),
            text=[str(v) if v else "" for v in values],
            textposition="inside",
            # Replaced, not formatted: Plotly's %{x} is a field to str.format.
            hovertemplate=_("%{x}, {status}: %{y} centers").replace("{status}", plain_label(_(status).lower()))
            + "<extra></extra>",
        )
        for status, (scopes, values) in parts.items()
        if sum(values)
    ]
    top = max(tallest.values(), default=0)
    # Whole centers only: Plotly would tick 0.5 steps on a short axis.
    return go.Figure(
        data=traces,
        layout=dict(barmode="stack", yaxis=dict(title=dict(text=_("Centers")), dtick=1 if top <= 10 else None), bargap=0.4),
    )
