"""The chronology as a PDF for a child protection conference.

Built with fpdf2 (pure Python, from PyPI; see docs/adr/0008-pdf-export-with-fpdf2.md). Text is set in
Liberation Sans, Arial's metric twin, from Debian's fonts-liberation package, so names in any Latin,
Greek or Cyrillic script print as typed rather than as question marks.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from fpdf import FPDF

from tessera.cases.models import Case
from tessera.cases.registry import ChronologyEntry


class FontMissingError(RuntimeError):
    """The PDF font is not installed; ``make demo`` and ``make test`` install it."""


def _font_dir() -> Path:
    directory = Path(settings.TESSERA_PDF_FONT_DIR)
    if not (directory / "LiberationSans-Regular.ttf").exists():
        raise FontMissingError(
            f"Liberation Sans is not in {directory}: install Debian's fonts-liberation package "
            "(make demo and make test do) or set TESSERA_PDF_FONT_DIR"
        )
    return directory


class ChronologyPdf(FPDF):
    def __init__(self, title: str, printed_by: str) -> None:
        super().__init__(format="A4")
        self.doc_title = title
        self.printed_by = printed_by
        fonts = _font_dir()
        self.add_font("Body", "", str(fonts / "LiberationSans-Regular.ttf"))
        self.add_font("Body", "B", str(fonts / "LiberationSans-Bold.ttf"))
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(title)
        self.set_creator("Tessera")

    def header(self) -> None:
        self.set_font("Body", "B", 9)
        self.cell(
            0, 5, "OFFICIAL-SENSITIVE: contains information about a child", new_x="LMARGIN", new_y="NEXT"
        )
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


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%-d %B %Y, %H:%M")


def chronology_pdf(case: Case, entries: Sequence[ChronologyEntry], *, printed_by: str, filters: str) -> bytes:
    """The PDF of what the viewer sees on the chronology page (same entries, same filters)."""
    title = f"Chronology for {case.subject_label} ({case.reference})"
    pdf = ChronologyPdf(title, printed_by)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("Body", "B", 16)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Body", "", 10)
    summary = (
        f"{case.district} · {case.get_track_display()} · {case.get_status_display()} · "
        f"lead professional {case.lead_professional}"
    )
    pdf.multi_cell(0, 5, summary, new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(
        0,
        5,
        f"Printed {_when(timezone.now())}. {len(entries)} entries, newest first. {filters}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)
    for entry in entries:
        pdf.set_font("Body", "B", 11)
        pdf.multi_cell(0, 5.5, entry.title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Body", "", 9)
        byline = f"{entry.when} · {entry.agency}" + (f" · {entry.by}" if entry.by else "")
        pdf.multi_cell(0, 4.5, byline, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Body", "", 10)
        if entry.detail:
            pdf.multi_cell(0, 5, entry.detail, new_x="LMARGIN", new_y="NEXT")
        for label, value in entry.facts:
            pdf.multi_cell(0, 5, f"{label}: {value}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    return bytes(pdf.output())
