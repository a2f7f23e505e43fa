"""Server-rendered SVG charts, as pure functions over plain data.

The Content-Security-Policy forbids inline style, so the SVG uses presentation attributes and classes
(styled in assets/scss/_risk.scss), never ``style=""``. Every chart is shown beside a table holding the same
figures; the SVG's title and description summarise it for screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from django.utils.safestring import SafeString, mark_safe

from tessera.risk.instrument import LEVEL_LABELS, LEVEL_ORDER, Level
from tessera.risk.scoring import long_date

WIDTH, HEIGHT = 680, 280
LEFT, RIGHT, TOP, BOTTOM = 150, 20, 20, 50


@dataclass(frozen=True)
class LevelPoint:
    on: date
    computed: Level
    final: Level


def _x(day: date, first: date, last: date) -> float:
    span = (last - first).days
    if span == 0:
        return LEFT + (WIDTH - LEFT - RIGHT) / 2
    return LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / span


def _y_level(level: Level) -> float:
    step = (HEIGHT - TOP - BOTTOM) / (len(LEVEL_ORDER) - 1)
    return HEIGHT - BOTTOM - step * level.rank


def _path(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(points))


def trajectory_svg(points: Sequence[LevelPoint], *, chart_id: str = "risk-trajectory") -> SafeString:
    """The child's computed and final levels at each assessment, oldest on the left."""
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tessera-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-labelledby="{title_id} {desc_id}" id="{chart_id}">',
        f'<title id="{title_id}">Risk level over time</title>',
    ]
    if not points:
        parts.append(f'<desc id="{desc_id}">No completed assessments yet.</desc></svg>')
        return mark_safe("".join(parts))  # noqa: S308 - built from escaped, fixed strings
    first, last = points[0].on, points[-1].on
    summary = (
        f"{len(points)} completed assessment{'s' if len(points) != 1 else ''} from {long_date(first)} "
        f"to {long_date(last)}. Latest final level: {LEVEL_LABELS[points[-1].final]}. "
        "The table beside the chart gives every figure."
    )
    parts.append(f'<desc id="{desc_id}">{escape(summary)}</desc>')
    for level in LEVEL_ORDER:
        y = _y_level(level)
        parts.append(
            f'<line class="tessera-chart__grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#b1b4b6" stroke-width="1"/>'
        )
        parts.append(
            f'<text class="tessera-chart__label" x="{LEFT - 8}" y="{y + 5:.1f}" text-anchor="end" '
            f'font-size="14" fill="#0b0c0c">{escape(LEVEL_LABELS[level])}</text>'
        )
    for day in sorted({first, last}):
        x = _x(day, first, last)
        anchor = "middle" if first == last else ("start" if day == first else "end")
        parts.append(
            f'<text class="tessera-chart__label" x="{x:.1f}" y="{HEIGHT - BOTTOM + 22}" text-anchor="{anchor}" '
            f'font-size="14" fill="#0b0c0c">{day.day} {day:%b %Y}</text>'
        )
    computed = [(_x(p.on, first, last), _y_level(p.computed)) for p in points]
    final = [(_x(p.on, first, last), _y_level(p.final)) for p in points]
    parts.append(
        f'<path class="tessera-chart__computed" d="{_path(computed)}" fill="none" stroke="#505a5f" '
        'stroke-width="2" stroke-dasharray="6 4"/>'
    )
    parts.append(
        f'<path class="tessera-chart__final" d="{_path(final)}" fill="none" stroke="#1d70b8" stroke-width="3"/>'
    )
    for x, y in computed:
        parts.append(
            f'<circle class="tessera-chart__computed-point" cx="{x:.1f}" cy="{y:.1f}" r="6" fill="#ffffff" '
            'stroke="#505a5f" stroke-width="2"/>'
        )
    for x, y in final:
        parts.append(
            f'<rect class="tessera-chart__final-point" x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" '
            'fill="#1d70b8"/>'
        )
    legend_y = HEIGHT - 10
    parts.append(
        f'<line x1="{LEFT}" x2="{LEFT + 30}" y1="{legend_y - 5}" y2="{legend_y - 5}" stroke="#505a5f" '
        'stroke-width="2" stroke-dasharray="6 4"/>'
        f'<text x="{LEFT + 36}" y="{legend_y}" font-size="14" fill="#0b0c0c">Computed by the instrument</text>'
        f'<rect x="{LEFT + 260}" y="{legend_y - 10}" width="10" height="10" fill="#1d70b8"/>'
        f'<text x="{LEFT + 276}" y="{legend_y}" font-size="14" fill="#0b0c0c">Final level (professional judgement)</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text node above is escaped


@dataclass(frozen=True)
class CurvePoint:
    predicted: float
    observed: float
    count: int


def calibration_svg(
    series: dict[str, Sequence[CurvePoint]], *, chart_id: str = "calibration-curve"
) -> SafeString:
    """Observed harm rate against predicted probability for each named series, with the diagonal."""
    size, margin = 400, 50
    inner = size - 2 * margin
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tessera-chart" viewBox="0 0 {size} {size + 24 * len(series)}" '
        f'width="100%" role="img" aria-labelledby="{title_id} {desc_id}" id="{chart_id}">',
        f'<title id="{title_id}">Calibration curve</title>',
        f'<desc id="{desc_id}">Observed share later harmed against the predicted probability, for '
        f"{escape(', '.join(series))}. A well-calibrated instrument follows the diagonal. "
        "The table beside the chart gives every figure.</desc>",
        f'<rect x="{margin}" y="{margin}" width="{inner}" height="{inner}" fill="none" stroke="#b1b4b6"/>',
        f'<line x1="{margin}" y1="{size - margin}" x2="{size - margin}" y2="{margin}" stroke="#b1b4b6" '
        'stroke-dasharray="4 4"/>',
    ]
    for tick in (0.0, 0.5, 1.0):
        x = margin + inner * tick
        y = size - margin - inner * tick
        parts.append(
            f'<text x="{x:.1f}" y="{size - margin + 18}" text-anchor="middle" font-size="13" fill="#0b0c0c">{tick:.1f}</text>'
        )
        parts.append(
            f'<text x="{margin - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="13" fill="#0b0c0c">{tick:.1f}</text>'
        )
    parts.append(
        f'<text x="{size / 2:.0f}" y="{size - 12}" text-anchor="middle" font-size="13" fill="#0b0c0c">Predicted probability</text>'
        f'<text x="14" y="{size / 2:.0f}" text-anchor="middle" font-size="13" fill="#0b0c0c" '
        f'transform="rotate(-90 14 {size / 2:.0f})">Observed share harmed</text>'
    )
    colours = ["#505a5f", "#1d70b8", "#00703c", "#d4351c"]
    for index, (name, points) in enumerate(series.items()):
        colour = colours[index % len(colours)]
        coords = [
            (margin + inner * p.predicted, size - margin - inner * p.observed) for p in points if p.count
        ]
        if coords:
            parts.append(f'<path d="{_path(coords)}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y in coords:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>')
        legend_y = size + 20 + 24 * index
        parts.append(
            f'<rect x="{margin}" y="{legend_y - 11}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{margin + 18}" y="{legend_y}" font-size="14" fill="#0b0c0c">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text node above is escaped
