"""Plotly figures built from query results; no Streamlit here, so reports can reuse them."""

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from components.theme import STATUS_COLORS

FIRST_DEADLINE = date(2023, 4, 15)


def eois_over_time(frame: pd.DataFrame) -> go.Figure:
    """Running total of EoIs, with the first call deadline (15 April 2023) marked."""
    fig = go.Figure(
        go.Scatter(
            x=frame["received_on"],
            y=frame["eois_total"],
            mode="lines+markers",
            line_shape="hv",
            name="EoIs received (running total)",
            hovertemplate="%{x|%d %b %Y}: %{y} EoIs<extra></extra>",
        )
    )
    start, end = frame["received_on"].min(), frame["received_on"].max()
    if start <= pd.Timestamp(FIRST_DEADLINE) <= end or len(frame) == 0:
        fig.add_vline(x=pd.Timestamp(FIRST_DEADLINE).timestamp() * 1000, line_dash="dash", line_color="#D55E00")
        fig.add_annotation(
            x=pd.Timestamp(FIRST_DEADLINE),
            y=1,
            yref="paper",
            text="First deadline, 15 Apr 2023",
            showarrow=False,
            xanchor="left",
            yanchor="top",
            font=dict(color="#D55E00"),
        )
    fig.update_layout(xaxis_title=None, yaxis_title="EoIs received", showlegend=False)
    return fig


def milestone_timeline(frame: pd.DataFrame) -> go.Figure:
    """Milestones on a time line by due date, coloured done, due or overdue."""
    fig = go.Figure()
    for status in ("done", "due", "overdue"):
        part = frame[frame["status"] == status]
        if part.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=part["due_on"],
                y=part["title"].str.slice(0, 60),
                mode="markers",
                marker=dict(
                    size=12, color=STATUS_COLORS[status], symbol={"done": "circle", "due": "diamond-open", "overdue": "x"}[status]
                ),
                name=status,
                customdata=part[["milestone_id", "completed_on"]].astype(str),
                hovertemplate="%{y}<br>due %{x|%d %b %Y}<br>%{customdata[0]}<extra>" + status + "</extra>",
            )
        )
    fig.update_layout(xaxis_title="Due date", yaxis_title=None, yaxis=dict(autorange="reversed", gridcolor="#f3f4f6"))
    return fig
