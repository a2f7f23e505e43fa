"""The subject access pack as files: a PDF to read and send, the same content as JSON, in one zip.

The PDF uses the chronology's fpdf2 setup (Liberation Sans, the OFFICIAL-SENSITIVE header; see
docs/adr/0008-pdf-export-with-fpdf2.md).
"""

from __future__ import annotations

import io
import json
import zipfile

from tessera.cases.pdf import ChronologyPdf
from tessera.information.pack import Pack


def pack_pdf(pack: Pack) -> bytes:
    title = f"Subject access pack: Tessera person {pack.person_id}"
    pdf = ChronologyPdf(title, pack.produced_by)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("Body", "B", 16)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Body", "", 10)
    pdf.multi_cell(
        0,
        5,
        f"Produced {pack.produced_at} by {pack.produced_by}. Everything Tessera holds about this person, "
        f"with {len(pack.redactions)} redactions; each is listed at the end with its reason.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for section in pack.sections:
        pdf.ln(3)
        pdf.set_font("Body", "B", 12)
        pdf.multi_cell(0, 6, f"{section.title} ({len(section.rows)})", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Body", "", 9)
        if not section.rows:
            pdf.multi_cell(0, 4.5, "Nothing recorded.", new_x="LMARGIN", new_y="NEXT")
        for row in section.rows:
            text = " · ".join(f"{label}: {value}" for label, value in row.items() if value)
            pdf.multi_cell(0, 4.5, text or "(no details)", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
    pdf.ln(3)
    pdf.set_font("Body", "B", 12)
    pdf.multi_cell(0, 6, f"Redactions ({len(pack.redactions)})", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Body", "", 9)
    for redaction in pack.redactions:
        pdf.multi_cell(
            0,
            4.5,
            f"{redaction.section}, {redaction.item}: {redaction.what}. Reason: {redaction.reason}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    return bytes(pdf.output())


def pack_zip(pack: Pack) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("subject-access-pack.pdf", pack_pdf(pack))
        archive.writestr("subject-access-pack.json", json.dumps(pack.as_json(), indent=2, ensure_ascii=False))
    return buffer.getvalue()
