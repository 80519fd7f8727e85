"""Where a fresh tab's time goes, from the browser's own timeline: document, scripts, main thread, websocket, elements.

Everything is recorded inside the page (performance.now(), milliseconds from navigation start) or by the
renderer (Chrome DevTools Protocol Performance metrics), and read only after the tab has settled, so the
measuring adds no round trip to the browser while the tab loads. Websocket frames are kept by a wrapper
around the page's WebSocket with their dispatch times (when the page's main thread got them, which is
when Streamlit could act on them) and decoded as Streamlit protobufs after the load.
"""

import base64
import statistics

# First time an element of each kind was in the DOM (a MutationObserver, which runs before the next paint).
KINDS = {
    "app": "[data-testid=stApp]",
    "sidebar": "[data-testid=stSidebar]",
    "sidebar_nav": "[data-testid=stSidebarNav]",
    "sidebar_widget": "[data-testid=stSidebarUserContent] [data-testid=stWidgetLabel]",
    "title": "[data-testid=stMain] h1",
    "markdown": "[data-testid=stMain] [data-testid=stMarkdown]",
    "metric": "[data-testid=stMetric]",
    "plotly_chart": "[data-testid=stPlotlyChart]",
    "plotly_svg": "[data-testid=stPlotlyChart] .main-svg",
    "dataframe": "[data-testid=stDataFrame], [data-testid=stTable]",
    "skeleton": "[data-testid=stSkeleton]",
}

INIT_SCRIPT = """
(() => {
  const T = (window.__timeline = { first: {}, frames: [], sockets: [], longTasks: [] });
  let left = Object.entries(%(kinds)s);
  const look = () => {
    const now = performance.now();
    left = left.filter(([kind, selector]) => {
      if (!document.querySelector(selector)) return true;
      T.first[kind] = now;
      return false;
    });
    if (!left.length) observer.disconnect();
  };
  const observer = new MutationObserver(look);
  observer.observe(document, { childList: true, subtree: true });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) T.longTasks.push([e.startTime, e.duration]);
    }).observe({ type: "longtask", buffered: true });
  } catch (e) {}
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      const socket = T.sockets.length;
      T.sockets.push({ created: performance.now(), opened: null });
      this.addEventListener("open", () => (T.sockets[socket].opened = performance.now()));
      this.addEventListener("message", (e) => T.frames.push([performance.now(), "in", socket, e.data]));
    }
    send(data) {
      // A copy: the sender may reuse its buffer.
      T.frames.push([performance.now(), "out", T.sockets.length - 1, data.slice ? data.slice(0) : data]);
      return super.send(data);
    }
  };
})();
"""

# Read once the tab has settled: binary frames come back as base64.
COLLECT = """
() => {
  const T = window.__timeline;
  const b64 = (d) => {
    if (typeof d === "string") return ["text", d];
    const bytes = new Uint8Array(d.buffer ? d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength) : d);
    let s = "";
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return ["b64", btoa(s)];
  };
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = Object.fromEntries(performance.getEntriesByType("paint").map((e) => [e.name, e.startTime]));
  const resources = performance.getEntriesByType("resource").map((e) => ({
    name: e.name, initiator: e.initiatorType, start: e.startTime, end: e.responseEnd,
    transfer: e.transferSize, encoded: e.encodedBodySize, decoded: e.decodedBodySize,
  }));
  return {
    nav: { responseEnd: nav.responseEnd, domContentLoaded: nav.domContentLoadedEventEnd, load: nav.loadEventEnd },
    paint, resources, first: T.first, sockets: T.sockets, longTasks: T.longTasks,
    frames: T.frames.map(([t, dir, socket, d]) => [t, dir, socket, ...b64(d)]),
  };
}
"""

# When the first element of a kind reached the page (Streamlit element type: our name for it).
DELTA_KINDS = {
    "heading": "heading",
    "metric": "metric",
    "plotly_chart": "plotly_chart",
    "dataframe": "dataframe",
    "table": "dataframe",
}

CDP_METRICS = ("ScriptDuration", "TaskDuration", "LayoutDuration", "RecalcStyleDuration", "LayoutCount", "RecalcStyleCount")


def install(context) -> None:
    """Have every new tab of the browser context record its timeline from its first script on."""
    import json

    context.add_init_script(INIT_SCRIPT % {"kinds": json.dumps(KINDS)})


def start(context, tab):
    """A DevTools session on the tab with the renderer's performance metrics on; its metrics before the load."""
    cdp = context.new_cdp_session(tab)
    cdp.send("Performance.enable")
    return cdp, _metrics(cdp)


def collect(tab, cdp, before: dict, settled_ms: float) -> dict:
    """One load's figures, in milliseconds from navigation start (and counts and bytes), read after it settled."""
    metrics = _metrics(cdp)
    cdp.detach()
    raw = tab.evaluate(COLLECT)
    nav = raw["nav"]
    scripts = [r for r in raw["resources"] if r["name"].split("?")[0].endswith(".js")]
    plotly = [r for r in scripts if "/PlotlyChart." in r["name"]]
    long_tasks = raw["longTasks"]
    longest = max(long_tasks, key=lambda task: task[1], default=(None, 0))
    out = {
        "document_response_end": nav["responseEnd"],
        "dom_content_loaded": nav["domContentLoaded"],
        "first_contentful_paint": raw["paint"].get("first-contentful-paint"),
        "scripts": len(scripts),
        "script_kb": sum(r["decoded"] for r in scripts) / 1024,
        "script_kb_transferred": sum(r["transfer"] for r in scripts) / 1024,
        "scripts_end": max((r["end"] for r in scripts), default=None),
        # Streamlit's Plotly chunk (4.7 MB), asked for when the first chart's delta is rendered.
        "plotly_js_start": plotly[0]["start"] if plotly else None,
        "plotly_js_end": plotly[0]["end"] if plotly else None,
        # The renderer's main thread during the load (the metrics count seconds since the process started).
        **{_snake(k): (metrics.get(k, 0) - before.get(k, 0)) * (1000 if k.endswith("Duration") else 1) for k in CDP_METRICS},
        "long_tasks": len(long_tasks),
        "long_tasks_ms": sum(d for _, d in long_tasks),
        "longest_task_start": longest[0],
        "longest_task_ms": longest[1],
        **_websocket(raw["sockets"], raw["frames"]),
        **{f"first_{kind}": raw["first"].get(kind) for kind in KINDS},
        "settled": settled_ms,
    }
    return out


def _metrics(cdp) -> dict:
    return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_").replace("_duration", "_ms")


def _websocket(sockets: list[dict], frames: list) -> dict:
    """The session's websocket: when it opened, its first message, the server's script run, messages and bytes."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    out = {
        "ws_created": sockets[0]["created"] if sockets else None,
        "ws_opened": sockets[0]["opened"] if sockets else None,
        "ws_first_received": None,
        "rerun_requested": None,
        "new_session": None,
        "first_delta": None,
        **{f"delta_{kind}": None for kind in dict.fromkeys(DELTA_KINDS.values())},
        "last_delta": None,
        "script_finished": None,
        "messages_received": 0,
        "kb_received": 0.0,
        "deltas": 0,
        "messages_sent": 0,
        "kb_sent": 0.0,
        "sockets": len(sockets),
    }
    for t, direction, _, encoding, data in frames:
        payload = base64.b64decode(data) if encoding == "b64" else data.encode()
        if direction == "out":
            out["messages_sent"] += 1
            out["kb_sent"] += len(payload) / 1024
            if BackMsg.FromString(payload).WhichOneof("type") == "rerun_script" and out["rerun_requested"] is None:
                out["rerun_requested"] = t
            continue
        out["messages_received"] += 1
        out["kb_received"] += len(payload) / 1024
        out["ws_first_received"] = out["ws_first_received"] or t
        message = ForwardMsg.FromString(payload)
        kind = message.WhichOneof("type")
        if kind == "delta":
            out["deltas"] += 1
            out["first_delta"] = out["first_delta"] or t
            out["last_delta"] = t
            if message.delta.WhichOneof("type") == "new_element":
                element = DELTA_KINDS.get(message.delta.new_element.WhichOneof("type"))
                if element and out[f"delta_{element}"] is None:
                    out[f"delta_{element}"] = t
        elif kind in ("new_session", "script_finished") and out[kind] is None:
            out[kind] = t
    # The server's script run as the page saw it: from asking for it to the message that it finished.
    asked = out["rerun_requested"]
    out["script_run_ms"] = out["script_finished"] - asked if asked is not None and out["script_finished"] else None
    return out


def medians(loads: list[dict]) -> dict:
    """The median of each figure over the loads (None where no load had it, e.g. a chart on a page without one)."""
    out = {}
    for key in loads[0]:
        values = [load[key] for load in loads if load.get(key) is not None]
        out[key] = round(statistics.median(values), 1) if values else None
    return out


# The table's rows: (label, keys shown side by side).
ROWS = [
    ("document response end", "document_response_end"),
    ("DOMContentLoaded / first paint", "dom_content_loaded", "first_contentful_paint"),
    ("scripts: count, KB, KB over the wire", "scripts", "script_kb", "script_kb_transferred"),
    ("scripts downloaded by / PlotlyChart.js asked, got", "scripts_end", "plotly_js_start", "plotly_js_end"),
    ("main thread: task / script / layout / style ms", "task_ms", "script_ms", "layout_ms", "recalc_style_ms"),
    ("long tasks: count, total ms / longest at, ms", "long_tasks", "long_tasks_ms", "longest_task_start", "longest_task_ms"),
    ("websocket created / opened / first message", "ws_created", "ws_opened", "ws_first_received"),
    ("rerun asked / new_session / first delta", "rerun_requested", "new_session", "first_delta"),
    (
        "delta in: heading / metric / plotly chart / dataframe",
        "delta_heading",
        "delta_metric",
        "delta_plotly_chart",
        "delta_dataframe",
    ),
    ("last delta / script_finished / server script run ms", "last_delta", "script_finished", "script_run_ms"),
    ("messages in, KB in, deltas / out, KB out", "messages_received", "kb_received", "deltas", "messages_sent", "kb_sent"),
    (
        "first: app / sidebar / sidebar nav / sidebar widget",
        "first_app",
        "first_sidebar",
        "first_sidebar_nav",
        "first_sidebar_widget",
    ),
    ("first: title / markdown / metric", "first_title", "first_markdown", "first_metric"),
    ("first: plotly chart / plotly svg / dataframe", "first_plotly_chart", "first_plotly_svg", "first_dataframe"),
    ("first skeleton / settled", "first_skeleton", "settled"),
]


def table(breakdown: dict[str, dict]) -> str:
    """The breakdowns side by side, one column per page, one row per figure (ms from navigation start)."""
    names = list(breakdown)
    lines = ["| figure | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for label, *keys in ROWS:
        cells = [" / ".join("-" if b.get(k) is None else f"{b[k]:.0f}" for k in keys) for b in breakdown.values()]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
