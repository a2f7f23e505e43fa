"""The risk charts as Vega-Lite specifications (Altair), rendered by the shared chart helper
(``tessera.ui.charts``): SVG with no inline style, one accessible image, and a table beside it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import altair as alt
from django.utils.safestring import SafeString

from tessera.risk.instrument import LEVEL_LABELS, LEVEL_ORDER, Level
from tessera.risk.scoring import long_date
from tessera.ui.charts import SERIES_COLOURS, render_chart

COMPUTED = "Computed by the instrument"
FINAL = "Final level (professional judgement)"
# Highest level first: the top of the chart.
LEVELS_TOP_DOWN = [LEVEL_LABELS[level] for level in reversed(LEVEL_ORDER)]


@dataclass(frozen=True)
class LevelPoint:
    on: date
    computed: Level
    final: Level


def trajectory_chart(points: Sequence[LevelPoint]) -> alt.TopLevelMixin:
    """The child's computed and final levels at each assessment, oldest on the left: the final level a
    solid line with squares, the computed level a dashed line with circles."""
    values = [
        {"date": p.on.isoformat(), "level": LEVEL_LABELS[level], "series": series}
        for p in points
        for series, level in ((COMPUTED, p.computed), (FINAL, p.final))
    ]
    series = alt.Scale(domain=[FINAL, COMPUTED], range=[SERIES_COLOURS[0], SERIES_COLOURS[1]])
    base = alt.Chart(alt.Data(values=values)).encode(
        x=alt.X(
            "date:T", title="Assessment date", axis=alt.Axis(format="%-d %b %Y", labelAngle=0, tickCount=4)
        ),
        y=alt.Y("level:O", title=None, scale=alt.Scale(domain=LEVELS_TOP_DOWN), sort=LEVELS_TOP_DOWN),
        color=alt.Color("series:N", scale=series, title=None),
    )
    lines = base.mark_line(strokeWidth=3).encode(
        strokeDash=alt.StrokeDash(
            "series:N", scale=alt.Scale(domain=[FINAL, COMPUTED], range=[[1, 0], [6, 4]]), legend=None
        )
    )
    marks = base.mark_point(size=90, filled=True, opacity=1).encode(
        shape=alt.Shape(
            "series:N", scale=alt.Scale(domain=[FINAL, COMPUTED], range=["square", "circle"]), title=None
        )
    )
    return alt.layer(lines, marks).properties(width=560, height=220)


def trajectory_svg(points: Sequence[LevelPoint], *, chart_id: str = "risk-trajectory") -> SafeString:
    if points:
        first, last = points[0].on, points[-1].on
        description = (
            f"{len(points)} completed assessment{'s' if len(points) != 1 else ''} from {long_date(first)} "
            f"to {long_date(last)}. Latest final level: {LEVEL_LABELS[points[-1].final]}; latest computed "
            f"level: {LEVEL_LABELS[points[-1].computed]}. The table beside the chart gives every figure."
        )
    else:
        description = "No completed assessments yet."
    return render_chart(
        trajectory_chart(points), chart_id=chart_id, title="Risk level over time", description=description
    )


@dataclass(frozen=True)
class CurvePoint:
    predicted: float
    observed: float
    count: int
    # The observed share's interval, when the study resampled children.
    low: float | None = None
    high: float | None = None


def calibration_chart(series: dict[str, Sequence[CurvePoint]]) -> alt.TopLevelMixin:
    """Observed share later harmed against the predicted chance, per series, with the diagonal of a
    perfectly calibrated instrument and, where known, each point's interval."""
    names = list(series)
    values = [
        {
            "series": name,
            "predicted": p.predicted,
            "observed": p.observed,
            "low": p.low if p.low is not None else p.observed,
            "high": p.high if p.high is not None else p.observed,
            "count": p.count,
        }
        for name, points in series.items()
        for p in points
        if p.count
    ]
    colour = alt.Color("series:N", scale=alt.Scale(domain=names, range=list(SERIES_COLOURS)), title=None)
    shape = alt.Shape(
        "series:N",
        scale=alt.Scale(domain=names, range=["circle", "square", "triangle-up", "diamond"][: len(names)]),
        title=None,
    )
    unit = alt.Scale(domain=[0, 1])
    diagonal = (
        alt.Chart(alt.Data(values=[{"p": 0.0}, {"p": 1.0}]))
        .mark_line(strokeDash=[4, 4], color="#b1b4b6", strokeWidth=2)
        .encode(x=alt.X("p:Q", scale=unit), y=alt.Y("p:Q", scale=unit))
    )
    base = alt.Chart(alt.Data(values=values)).encode(
        x=alt.X("predicted:Q", title="Predicted chance of harm", scale=unit, axis=alt.Axis(format="%")),
        color=colour,
    )
    intervals = base.mark_rule(strokeWidth=2).encode(
        y=alt.Y("low:Q", title="Observed share harmed", scale=unit, axis=alt.Axis(format="%")), y2="high:Q"
    )
    lines = base.mark_line(strokeWidth=2).encode(y=alt.Y("observed:Q", scale=unit))
    points = base.mark_point(size=70, filled=True, opacity=1).encode(
        y=alt.Y("observed:Q", scale=unit), shape=shape
    )
    return alt.layer(diagonal, intervals, lines, points).properties(width=340, height=340)


def calibration_svg(
    series: dict[str, Sequence[CurvePoint]], *, chart_id: str = "calibration-curve"
) -> SafeString:
    description = (
        f"Observed share later harmed against the predicted chance, for {', '.join(series)}. "
        "A well-calibrated instrument follows the dashed diagonal; vertical lines are 95% intervals. "
        "The table beside the chart gives every figure."
    )
    return render_chart(
        calibration_chart(series), chart_id=chart_id, title="Calibration curve", description=description
    )


@dataclass(frozen=True)
class BenefitPoint:
    threshold: float
    net_benefit: float
    low: float
    high: float


FLAG_EVERYONE = "Flag every child"


def decision_curve_chart(series: Mapping[str, Sequence[BenefitPoint]]) -> alt.TopLevelMixin:
    """Net benefit against the chance of harm at which a manager would act, one line per version with its
    intervals, and the line of flagging everyone; flagging nobody is the zero line."""
    names = list(series)
    values = [
        {"series": name, "threshold": p.threshold, "benefit": p.net_benefit, "low": p.low, "high": p.high}
        for name, points in series.items()
        for p in points
    ]
    # Flagging every child falls steeply at higher thresholds; drawn to its own depth it would flatten the
    # versions into one line. The axis stops a little below zero (as decision curves are drawn) and marks
    # beyond it are clipped; the table beside the chart gives every figure.
    lowest = min((p.low for name, s in series.items() if name != FLAG_EVERYONE for p in s), default=0.0)
    highest = max((p.high for s in series.values() for p in s), default=0.1)
    bottom = min(lowest, 0.0) - 0.25 * max(highest, 0.01)
    y_scale = alt.Scale(domain=[bottom, highest], clamp=False)
    colour = alt.Color("series:N", scale=alt.Scale(domain=names, range=list(SERIES_COLOURS)), title=None)
    dash = alt.StrokeDash(
        "series:N",
        scale=alt.Scale(domain=names, range=[[1, 0], [6, 4], [2, 2], [8, 2, 2, 2]][: len(names)]),
        legend=None,
    )
    base = alt.Chart(alt.Data(values=values)).encode(
        x=alt.X("threshold:Q", title="Chance of harm at which to act", axis=alt.Axis(format="%")),
        color=colour,
    )
    zero = (
        alt.Chart(alt.Data(values=[{"y": 0.0}]))
        .mark_rule(color="#b1b4b6")
        .encode(y=alt.Y("y:Q", scale=y_scale))
    )
    intervals = base.mark_rule(strokeWidth=2, clip=True).encode(
        y=alt.Y("low:Q", title="Net benefit per assessment", scale=y_scale), y2="high:Q"
    )
    lines = base.mark_line(strokeWidth=2, clip=True).encode(
        y=alt.Y("benefit:Q", scale=y_scale), strokeDash=dash
    )
    points = base.mark_point(size=60, filled=True, opacity=1, clip=True).encode(
        y=alt.Y("benefit:Q", scale=y_scale)
    )
    return alt.layer(zero, intervals, lines, points).properties(width=340, height=300)


def decision_curve_svg(
    series: Mapping[str, Sequence[BenefitPoint]], *, chart_id: str = "decision-curve"
) -> SafeString:
    description = (
        f"Net benefit of acting on each version's chance of harm, for {', '.join(series)}, at chances from "
        f"{min((p.threshold for s in series.values() for p in s), default=0):.0%} to "
        f"{max((p.threshold for s in series.values() for p in s), default=0):.0%}. Above the line of "
        "flagging every child and above zero, a version does more good than either. Vertical lines are 95% "
        "intervals; the table beside the chart gives every figure."
    )
    return render_chart(
        decision_curve_chart(series), chart_id=chart_id, title="Decision curve", description=description
    )
