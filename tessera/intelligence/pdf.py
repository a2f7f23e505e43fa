"""An intelligence package (or its released version) as a PDF, with its link chart drawn in.

fpdf2, as for the chronology (ADR 0008): the chart is drawn with lines and circles from the same pure
layout the page draws as SVG (``intelligence.chart``), so the paper and the screen agree, and the chart's
connections are also written out in words beneath it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone
from fpdf import FPDF

from tessera.cases.pdf import _font_dir
from tessera.intelligence.chart import PackageChart

# The chart's layout units to millimetres on an A4 page.
_SCALE = 0.27
_ROLE_COLOURS = {
    "Child at risk": (29, 112, 184),
    "Suspected exploiter": (212, 53, 28),
}
_OTHER = (80, 90, 95)


@dataclass(frozen=True)
class PdfItem:
    reference: str
    grade: str
    text: str


@dataclass(frozen=True)
class PackagePdf:
    title: str
    audience: str
    summary: str
    conditions: str
    items: Sequence[PdfItem]
    chart: PackageChart
    printed_by: str


class _Document(FPDF):
    def __init__(self, title: str, audience: str, printed_by: str) -> None:
        super().__init__(format="A4")
        self.doc_title, self.audience, self.printed_by = title, audience, printed_by
        fonts = _font_dir()
        self.add_font("Body", "", str(fonts / "LiberationSans-Regular.ttf"))
        self.add_font("Body", "B", str(fonts / "LiberationSans-Bold.ttf"))
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(title)
        self.set_creator("Tessera")

    def header(self) -> None:
        self.set_font("Body", "B", 9)
        self.cell(0, 5, f"OFFICIAL-SENSITIVE · {self.audience}", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("Body", "", 8)
        self.cell(
            0,
            5,
            f"{self.doc_title} · printed by {self.printed_by} · page {self.page_no()} of {{nb}}",
            align="C",
        )


def _draw_chart(pdf: _Document, chart: PackageChart) -> None:
    if not chart.nodes:
        return
    top, left = pdf.get_y(), pdf.l_margin + 5
    pdf.set_draw_color(120, 120, 120)
    pdf.set_line_width(0.3)
    for edge in chart.edges:
        pdf.line(
            left + edge.x1 * _SCALE, top + edge.y1 * _SCALE, left + edge.x2 * _SCALE, top + edge.y2 * _SCALE
        )
    pdf.set_font("Body", "", 7)
    for node in chart.nodes:
        colour = _ROLE_COLOURS.get(node.role, _OTHER)
        pdf.set_fill_color(*colour)
        x, y = left + node.x * _SCALE, top + node.y * _SCALE
        pdf.circle(x=x, y=y, radius=2.2, style="F")
        width = pdf.get_string_width(node.label)
        label_x = left + node.label_x * _SCALE
        if node.anchor == "end":
            label_x -= width
        elif node.anchor == "middle":
            label_x -= width / 2
        pdf.text(label_x, top + node.label_y * _SCALE, node.label)
    pdf.set_y(top + chart.height * _SCALE + 2)


def package_pdf_bytes(document: PackagePdf) -> bytes:
    pdf = _Document(document.title, document.audience, document.printed_by)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("Body", "B", 16)
    pdf.multi_cell(0, 8, document.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Body", "", 10)
    printed = timezone.localtime(timezone.now()).strftime("%-d %B %Y, %H:%M")
    pdf.multi_cell(0, 5, f"Printed {printed}. {len(document.items)} reports.", new_x="LMARGIN", new_y="NEXT")
    if document.conditions:
        pdf.ln(2)
        pdf.set_font("Body", "B", 11)
        pdf.multi_cell(0, 5.5, "Handling conditions", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Body", "", 10)
        pdf.multi_cell(0, 5, document.conditions, new_x="LMARGIN", new_y="NEXT")
    if document.summary:
        pdf.ln(2)
        pdf.set_font("Body", "B", 11)
        pdf.multi_cell(0, 5.5, "Summary", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Body", "", 10)
        pdf.multi_cell(0, 5, document.summary, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Body", "B", 11)
    pdf.multi_cell(0, 5.5, document.chart.title, new_x="LMARGIN", new_y="NEXT")
    _draw_chart(pdf, document.chart)
    pdf.set_font("Body", "", 9)
    for one, other, label in document.chart.rows():
        pdf.multi_cell(0, 4.5, f"{one} - {other}: {label}", new_x="LMARGIN", new_y="NEXT")
    for item in document.items:
        pdf.ln(3)
        pdf.set_font("Body", "B", 11)
        pdf.multi_cell(0, 5.5, item.reference, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Body", "", 9)
        pdf.multi_cell(0, 4.5, item.grade, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Body", "", 10)
        pdf.multi_cell(0, 5, item.text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
