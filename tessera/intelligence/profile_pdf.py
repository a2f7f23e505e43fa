"""A problem profile as a PDF: the hex-bin map and the hour-by-weekday matrix drawn with fpdf2 from the
same figures the page draws, and every ranking and the recommendations in words (ADR 0008's fpdf2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from tessera.intelligence.hexbin import BIN_COLOURS, HexMap, bin_colour, hex_centre, hex_corners
from tessera.intelligence.pdf import _Document
from tessera.intelligence.profile_analysis import PARTNER_KINDS, SOURCES, WEEKDAYS


@dataclass(frozen=True)
class RankedRow:
    rank: int
    label: str
    count: int
    by_source: str


@dataclass(frozen=True)
class ProfilePdf:
    title: str
    district: str
    period: str
    figures: dict[str, Any]
    hexes: HexMap
    hotspots: Sequence[RankedRow]
    vehicles: Sequence[RankedRow]
    people: Sequence[RankedRow]
    recommendations: str
    printed_by: str


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _heading(pdf: _Document, text: str) -> None:
    pdf.ln(3)
    pdf.set_font("Body", "B", 12)
    pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Body", "", 9)


def _draw_map(pdf: _Document, hexes: HexMap) -> None:
    if not hexes.outline:
        pdf.multi_cell(0, 5, "No boundary is held for this district.", new_x="LMARGIN", new_y="NEXT")
        return
    xs, ys = [p[0] for p in hexes.outline], [p[1] for p in hexes.outline]
    scale = min(120 / (max(xs) - min(xs) + 3), 80 / (max(ys) - min(ys) + 3))
    left, top = pdf.l_margin + 5, pdf.get_y() + 2

    def xy(point: tuple[float, float]) -> tuple[float, float]:
        return left + (point[0] - min(xs) + 1.5) * scale, top + (max(ys) - point[1] + 1.5) * scale

    pdf.set_draw_color(11, 12, 12)
    pdf.set_fill_color(243, 242, 241)
    pdf.set_line_width(0.4)
    pdf.polygon([xy(p) for p in hexes.outline], style="DF")
    pdf.set_line_width(0.2)
    pdf.set_draw_color(255, 255, 255)
    pdf.set_font("Body", "", 6)
    for cell, count in sorted(hexes.bins.items()):
        colour = bin_colour(count)
        pdf.set_fill_color(*_rgb(colour))
        pdf.polygon([xy(p) for p in hex_corners(cell, hexes.size)], style="DF")
        cx, cy = xy(hex_centre(cell, hexes.size))
        pdf.set_text_color(*((255, 255, 255) if colour in BIN_COLOURS[2:] else (11, 12, 12)))
        label = str(count)
        pdf.text(cx - pdf.get_string_width(label) / 2, cy + 1, label)
    pdf.set_text_color(11, 12, 12)
    pdf.set_y(top + (max(ys) - min(ys) + 3) * scale + 3)
    pdf.set_font("Body", "", 8)
    pdf.multi_cell(
        0,
        4,
        "Each hexagon is 1.5 km across and labelled with its events. Positions come from places' postcodes "
        "inside a schematic boundary (not Ordnance Survey data)."
        + (
            f" {hexes.unplaced} events at places without a usable postcode are not drawn."
            if hexes.unplaced
            else ""
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )


def _draw_matrix(pdf: _Document, matrix: Sequence[Sequence[int]], unknown: Sequence[int]) -> None:
    peak = max((max(row) for row in matrix), default=0) or 1
    label_width, cell = 20.0, 6.3
    pdf.set_font("Body", "", 6)
    pdf.cell(label_width, 4, "")
    for hour in range(24):
        pdf.cell(cell, 4, f"{hour:02d}", align="C")
    pdf.cell(12, 4, "Not known", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(255, 255, 255)
    for day, name in enumerate(WEEKDAYS):
        pdf.set_font("Body", "", 7)
        pdf.cell(label_width, cell, name)
        for hour in range(24):
            count = matrix[day][hour]
            shade = count / peak
            fill = tuple(
                round(a + (b - a) * shade) for a, b in zip((243, 242, 241), (29, 112, 184), strict=True)
            )
            pdf.set_fill_color(*fill)
            pdf.set_text_color(*((255, 255, 255) if shade > 0.5 else (11, 12, 12)))
            pdf.cell(cell, cell, str(count) if count else "", border=1, align="C", fill=True)
        pdf.set_text_color(11, 12, 12)
        pdf.cell(12, cell, str(unknown[day]), align="C", new_x="LMARGIN", new_y="NEXT")


def _ranking(pdf: _Document, title: str, rows: Sequence[RankedRow]) -> None:
    _heading(pdf, title)
    if not rows:
        pdf.multi_cell(0, 5, "None in the period.", new_x="LMARGIN", new_y="NEXT")
        return
    for row in rows:
        pdf.multi_cell(
            0, 4.6, f"{row.rank}. {row.label}: {row.count} ({row.by_source})", new_x="LMARGIN", new_y="NEXT"
        )


def profile_pdf_bytes(document: ProfilePdf) -> bytes:
    pdf = _Document(document.title, "Police intelligence: not for partners", document.printed_by)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("Body", "B", 16)
    pdf.multi_cell(0, 8, document.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Body", "", 10)
    figures = document.figures
    printed = timezone.localtime(timezone.now()).strftime("%-d %B %Y, %H:%M")
    sources = figures.get("sources", {})
    pdf.multi_cell(
        0,
        5,
        f"Problem profile of {document.district}, {document.period}. {figures.get('events', 0)} events: "
        + ", ".join(f"{SOURCES[k].lower()}s {sources.get(k, 0)}" for k in SOURCES)
        + f". Printed {printed}.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    _heading(pdf, "Hotspots: where events happened")
    _draw_map(pdf, document.hexes)
    _ranking(pdf, "Hotspot places", document.hotspots)
    _heading(pdf, "Events by hour and weekday")
    _draw_matrix(pdf, figures.get("matrix", [[0] * 24] * 7), figures.get("hour_not_known", [0] * 7))
    _ranking(pdf, "Vehicles", document.vehicles)
    _ranking(pdf, "Individuals (suspects and associates)", document.people)
    _heading(pdf, "Partner reports (hotels, taxi firms, takeaways)")
    partners = figures.get("partners", {})
    pdf.multi_cell(
        0,
        5,
        ", ".join(f"{PARTNER_KINDS.get(k, 'Other premises')}: {n}" for k, n in partners.items())
        or "None in the period.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    _heading(pdf, "Recommendations")
    pdf.set_font("Body", "", 10)
    pdf.multi_cell(0, 5, document.recommendations or "None written yet.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
