"""The calibration study's report as plain text (Markdown): current and proposed instruments side by side."""

from __future__ import annotations

from tessera.risk.calibration import Candidate, StudyReport
from tessera.risk.calibration_metrics import Figures


def _pct(value: float) -> str:
    return "–" if value != value else f"{100 * value:.1f}%"


def _row(candidate: Candidate, figures: Figures) -> str:
    return (
        f"| {candidate.name} | {_pct(figures.sensitivity)} | {_pct(figures.specificity)} | "
        f"{_pct(figures.flag_rate)} | {figures.auc:.3f} | {figures.harmed_below_moderate} of {figures.harmed} | "
        f"{figures.brier:.3f} |"
    )


HEADER = (
    "| Instrument | Sensitivity (Moderate+) | Specificity | Flag rate | ROC AUC | Later harmed below Moderate | Brier |\n"
    "|---|---:|---:|---:|---:|---:|---:|"
)


def report_markdown(report: StudyReport, *, title: str = "Calibration study") -> str:
    current = report.candidate("current")
    proposed = report.candidate(report.proposed_key)
    lines = [
        f"# {title}",
        "",
        f"> {report.caveat}",
        "",
        "## Findings",
        "",
        *[f"- {line}" for line in report.summary[:-1]],
        "",
        "## Time split",
        "",
        f"- Trained on {report.train_assessments} assessments from {report.train_period[0]} to {report.train_period[1]}.",
        f"- Tested on {report.test_assessments} later assessments from {report.test_period[0]} to {report.test_period[1]}.",
        "",
        "## Held-out later period",
        "",
        HEADER,
        *[_row(c, c.test) for c in report.candidates],
        "",
        "## Training period (for comparison only)",
        "",
        HEADER,
        *[_row(c, c.train) for c in report.candidates],
        "",
        "## Share later harmed at each level (held-out period)",
        "",
        "| Level | " + " | ".join(c.name for c in report.candidates) + " |",
        "|---|" + "---:|" * len(report.candidates),
    ]
    for index, level_row in enumerate(current.test.levels):
        cells = []
        for candidate in report.candidates:
            row = candidate.test.levels[index]
            cells.append(f"{row.harmed} of {row.count} ({_pct(row.rate)})")
        lines.append(f"| {level_row.level} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Current and proposed instruments side by side",
        "",
        f"Bands: current Mild {current.definition.bands.mild} / Moderate {current.definition.bands.moderate} / "
        f"Significant {current.definition.bands.significant}; proposed Mild {proposed.definition.bands.mild} / "
        f"Moderate {proposed.definition.bands.moderate} / Significant {proposed.definition.bands.significant}. "
        "Hard rules are the same in both.",
        "",
        "| Indicator | Current: last 6 months | Current: 6–12 months | Proposed: last 6 months | Proposed: 6–12 months |",
        "|---|---:|---:|---:|---:|",
    ]
    for indicator in current.definition.indicators:
        new = proposed.definition.indicator(indicator.code)
        lines.append(
            f"| {indicator.label} | {indicator.current} | {indicator.older} | {new.current} | {new.older} |"
        )
    notes = [c for c in report.candidates if c.note]
    if notes:
        lines += ["", "## Notes", "", *[f"- {c.name}: {c.note}" for c in notes]]
    lines += ["", f"_{report.caveat}_", ""]
    return "\n".join(lines)
