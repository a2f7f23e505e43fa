"""The coordinator dashboard's charts as Altair specifications, drawn by ``tessera.ui.charts`` with a
table of the same figures beside each (ADR 0012)."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
from django.utils.safestring import SafeString

from tessera.missing.figures import NATIONAL_WITHIN_72_HOURS, MonthShare
from tessera.missing.grading import GRADE_LABELS, GRADES
from tessera.ui.charts import SERIES_COLOURS, DataTable, chart_beside_table, render_chart

# No apparent risk grey, low blue, medium orange, high red: the tags' colours on the episode page.
GRADE_COLOURS = ("#505a5f", "#1d70b8", "#f47738", "#d4351c")


def open_by_grade_figure(table: dict[str, dict[str, int]]) -> SafeString:
    values = [
        {"district": district, "grade": GRADE_LABELS[grade], "episodes": counts[grade]}
        for district, counts in sorted(table.items())
        for grade in GRADES
    ]
    labels = [GRADE_LABELS[g] for g in GRADES]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            y=alt.Y("district:N", title=None),
            x=alt.X("episodes:Q", title="Open episodes", stack="zero", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("grade:N", scale=alt.Scale(domain=labels, range=list(GRADE_COLOURS)), title=None),
            order=alt.Order("grade:N"),
        )
        .properties(width=480, height=max(60, 40 * len(table)))
    )
    total = sum(sum(c.values()) for c in table.values())
    svg = render_chart(
        chart,
        chart_id="missing-open-by-grade",
        title="Open episodes by police risk grade",
        description=f"{total} open episode{'s' if total != 1 else ''} across {len(table)} district"
        f"{'s' if len(table) != 1 else ''}, split by grade. The table beside the chart gives every figure.",
    )
    rows = [[district, *(str(counts[g]) for g in GRADES)] for district, counts in sorted(table.items())]
    return chart_beside_table(
        svg,
        DataTable(
            "Open episodes by grade",
            ("District", *labels),
            rows,
            numeric=(False, True, True, True, True),
            table_id="open-by-grade",
        ),
    )


def within_72_hours_figure(shares: Sequence[MonthShare]) -> SafeString:
    values = [
        {"month": f"{s.month}-01", "district": s.district, "share": round(100 * s.share, 1)} for s in shares
    ]
    lines = (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=alt.OverlayMarkDef(filled=True, size=60), strokeWidth=3)
        .encode(
            x=alt.X(
                "month:T", title="Month of return", axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=6)
            ),
            y=alt.Y("share:Q", title="Held within 72 hours (%)", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("district:N", title=None),
        )
    )
    national = (
        alt.Chart(alt.Data(values=[{"share": 100 * NATIONAL_WITHIN_72_HOURS}]))
        .mark_rule(strokeDash=[6, 4], strokeWidth=2, color="#505a5f")
        .encode(y="share:Q")
    )
    chart = alt.layer(lines, national).properties(width=480, height=240)
    svg = render_chart(
        chart,
        chart_id="missing-within-72-hours",
        title="Return interviews held within 72 hours",
        description=(
            "The share of return interviews held within 72 hours of the return, by district and month, "
            f"with a dashed line at the national {NATIONAL_WITHIN_72_HOURS:.0%}. The table gives every figure."
        ),
    )
    rows = [[f"{s.district}, {s.month}", str(s.due), str(s.in_time), f"{s.share:.0%}"] for s in shares]
    return chart_beside_table(
        svg,
        DataTable(
            f"Within 72 hours (national {NATIONAL_WITHIN_72_HOURS:.0%})",
            ("District and month", "Due", "In time", "Share"),
            rows,
            numeric=(False, True, True, True),
            table_id="within-72-hours",
        ),
    )


def per_home_figure(homes: Sequence[tuple[str, int]]) -> SafeString:
    values = [{"home": home, "episodes": count} for home, count in homes]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar(color=SERIES_COLOURS[0])
        .encode(
            y=alt.Y("home:N", title=None, sort="-x"),
            x=alt.X("episodes:Q", title="Episodes reported", axis=alt.Axis(tickMinStep=1)),
        )
        .properties(width=440, height=max(60, 28 * len(homes)))
    )
    svg = render_chart(
        chart,
        chart_id="missing-per-home",
        title="Episodes per children's home",
        description=f"Episodes reported from each of {len(homes)} children's homes, most first. "
        "The table gives every figure.",
    )
    return chart_beside_table(
        svg,
        DataTable(
            "Episodes per children's home",
            ("Children's home", "Episodes"),
            [[home, str(count)] for home, count in homes],
            numeric=(False, True),
            table_id="per-home",
        ),
    )
