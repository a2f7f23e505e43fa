"""A problem profile's charts: the hex-bin map (SVG drawn here from the shipped boundaries) and the
hour-by-weekday matrix and hotspot bars (Altair, drawn by ``tessera.ui.charts``), each beside or above a
table of the same figures (ADR 0012)."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
from django.utils.html import format_html
from django.utils.safestring import SafeString

from tessera.intelligence.hexbin import HexMap, boundaries
from tessera.intelligence.profile_analysis import SOURCES, WEEKDAYS
from tessera.ui.charts import DataTable, chart_beside_table, data_table, render_chart, sanitise_svg

HEAT = ("#f3f2f1", "#1d70b8")


def hex_map_of(district_code: str, figures: dict[str, object]) -> HexMap:
    bins = {(int(q), int(r)): int(n) for q, r, n in figures.get("hexes", [])}  # type: ignore[attr-defined]
    return HexMap(
        district_code,
        boundaries().get(district_code, ()),
        float(figures.get("hex_size", 1.5)),  # type: ignore[arg-type]
        bins,
        int(figures.get("unplaced", 0)),  # type: ignore[call-overload]
    )


def hotspot_map_figure(hexes: HexMap, district: str, rows: Sequence[tuple[str, int, str]]) -> SafeString:
    """The hex-bin map beside the table of hotspot places (place, events, of which from partners)."""
    placed = sum(hexes.bins.values())
    description = (
        f"A map of {district} in hexagons 1.5 km across, each shaded and labelled by how many events "
        f"happened at places inside it: {placed} events in {len(hexes.bins)} hexagons"
        + (f", and {hexes.unplaced} at places with no usable postcode (not drawn)" if hexes.unplaced else "")
        + ". The table beside the map lists the busiest places."
    )
    title = f"Where events happened in {district}"
    svg = sanitise_svg(
        hexes.svg(chart_id="profile-hex-map", title=title, description=description),
        chart_id="profile-hex-map",
        title=title,
        description=description,
    )
    return chart_beside_table(
        svg,
        DataTable(
            "Hotspot places",
            ("Place", "Events", "Of which partner reports"),
            [(label, str(count), partner) for label, count, partner in rows],
            numeric=(False, True, True),
            table_id="hotspots",
        ),
    )


def matrix_figure(matrix: Sequence[Sequence[int]], hour_not_known: Sequence[int]) -> SafeString:
    """Events by hour (across) and weekday (down), darker for more, with the full table beneath."""
    values = [
        {"weekday": WEEKDAYS[d], "hour": h, "events": matrix[d][h]} for d in range(7) for h in range(24)
    ]
    base = alt.Chart(alt.Data(values=values)).encode(
        x=alt.X("hour:O", title="Hour of the day", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("weekday:N", title=None, sort=list(WEEKDAYS)),
    )
    peak = max((max(row) for row in matrix), default=0)
    cells = base.mark_rect(stroke="#ffffff").encode(
        # Each cell is labelled with its count, so no legend: darker is more.
        color=alt.Color(
            "events:Q",
            legend=None,
            scale=alt.Scale(range=list(HEAT), domain=[0, max(1, peak)], interpolate="rgb"),
        )
    )
    labels = base.mark_text(fontSize=11).encode(
        text=alt.condition("datum.events > 0", "events:Q", alt.value("")),
        color=alt.condition(f"datum.events > {peak / 2}", alt.value("#ffffff"), alt.value("#0b0c0c")),
    )
    chart = alt.layer(cells, labels).properties(width=600, height=220)
    total = sum(map(sum, matrix))
    busiest = max(((matrix[d][h], -d, -h) for d in range(7) for h in range(24)), default=(0, 0, 0))
    words = (
        f"busiest {WEEKDAYS[-busiest[1]]} at {-busiest[2]:02d}:00 with {busiest[0]}" if busiest[0] else "none"
    )
    svg = render_chart(
        chart,
        chart_id="profile-matrix",
        title="Events by hour and weekday",
        description=f"{total} events with a known time, {words}; {sum(hour_not_known)} more with the day "
        "only. The table beneath gives every cell.",
    )
    table = data_table(
        DataTable(
            "Events by weekday and hour (hours 00 to 23, then those whose hour is not known)",
            ("Weekday", *(f"{h:02d}" for h in range(24)), "Not known"),
            [(WEEKDAYS[d], *(str(n) for n in matrix[d]), str(hour_not_known[d])) for d in range(7)],
            numeric=(False, *([True] * 25)),
            table_id="matrix",
        )
    )
    return format_html(
        '<div class="tessera-chart-figure">{}<div class="tessera-table-scroll" tabindex="0" role="region" '
        'aria-label="Events by weekday and hour, as a table">{}</div></div>',
        svg,
        table,
    )


def sources_table(sources: dict[str, int], partners: dict[str, int], share: float) -> SafeString:
    rows = [(SOURCES[key], str(sources.get(key, 0))) for key in SOURCES]
    return data_table(
        DataTable(
            f"Events by source (partner reports are {round(100 * share)}% of all)",
            ("Source", "Events"),
            rows,
            numeric=(False, True),
            table_id="sources",
        )
    ) + data_table(
        DataTable(
            "Partner reports by kind of premises",
            ("Premises", "Reports"),
            [(kind, str(n)) for kind, n in partners.items()] or [("None in the period", "0")],
            numeric=(False, True),
            table_id="partners",
        )
    )
