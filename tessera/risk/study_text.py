"""The calibration study's report as plain text (Markdown): every figure with its 95% interval."""

from __future__ import annotations

from tessera.risk.calibration import Candidate, StudyReport, percent
from tessera.risk.fairness import GroupRow
from tessera.risk.resampling import Interval


def share(value: Interval) -> str:
    if value.value != value.value:
        return "no figure"
    return f"{percent(value.value)} ({percent(value.low)}–{percent(value.high)})"


def number(value: Interval) -> str:
    if value.value != value.value:
        return "no figure"
    return f"{value.value:.3f} ({value.low:.3f}–{value.high:.3f})"


def _row(c: Candidate) -> str:
    t = c.test
    return (
        f"| {c.name} | {share(t.sensitivity)} | {share(t.child_sensitivity)} | {share(t.specificity)} | "
        f"{share(t.flag_rate)} | {share(t.child_flag_rate)} | {number(t.auc)} | {number(t.brier)} | "
        f"{t.harmed_below_moderate} of {t.harmed} |"
    )


HEADER = (
    "| Instrument | Sensitivity (per assessment) | Sensitivity (per child) | Specificity | Flag rate "
    "(per assessment) | Flag rate (per child) | ROC AUC | Brier | Followed by harm, below Moderate |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def fairness_markdown(rows: list[GroupRow]) -> list[str]:
    lines = [
        "| Group | | Assessments | Later harmed | Sensitivity | Flag rate | Observed harmed | "
        "Observed − predicted (points) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        gap = r.calibration_gap
        lines.append(
            f"| {r.group} | {r.value} | {r.assessments} | {r.harmed} | {share(r.sensitivity)} | "
            f"{share(r.flag_rate)} | {share(r.observed)} | "
            f"{100 * gap.value:+.1f} ({100 * gap.low:+.1f} to {100 * gap.high:+.1f}) |"
        )
    return lines


def report_markdown(report: StudyReport, *, title: str = "Calibration study") -> str:
    current = report.candidate("current")
    proposed = report.candidate(report.proposed_key)
    lines = [
        f"# {title}",
        "",
        f"> {report.caveat}",
        "",
        "Every figure is followed by its 95% interval from resampling children (a cluster bootstrap: a "
        "child's assessments are drawn together).",
        "",
        "## Findings",
        "",
        *[f"- {line}" for line in report.summary[:-1]],
        "",
        "## Split",
        "",
        f"- Training: {report.train_assessments} assessments of {report.train_children} children "
        f"({report.train_harmed_children} later harmed), {report.train_period[0]} to {report.train_period[1]}, "
        f"each follow-up ending before the split date {report.split_date}.",
        f"- Held out: {report.test_assessments} assessments of {report.test_children} other children "
        f"({report.test_harmed_children} later harmed), {report.test_period[0]} to {report.test_period[1]}.",
        f"- Outcomes mature for assessments made on or before {report.mature_until}.",
        *[f"- {note}" for note in report.notes],
        *[f"- Not proposed: {reason}." for reason in report.reasons_not_to_propose],
        "",
        "## Held-out figures",
        "",
        HEADER,
        *[_row(c) for c in report.candidates],
        "",
    ]
    if report.ceiling_auc is not None:
        lines += [f"Ceiling AUC ({report.ceiling_model}): {number(report.ceiling_auc)}.", ""]
    truth = [c for c in report.candidates if c.sensitivity_against_truth is not None]
    if truth:
        lines += [
            "## Against every truly harmed child (synthetic worlds only)",
            "",
            "| Instrument | Sensitivity against confirmed outcomes | Sensitivity against the truth |",
            "|---|---:|---:|",
            *[
                f"| {c.name} | {share(c.test.sensitivity)} | {share(c.sensitivity_against_truth)} |"
                for c in truth
                if c.sensitivity_against_truth is not None
            ],
            "",
        ]
    lines += [
        "## Share later harmed at each level (held-out period)",
        "",
        "| Level | " + " | ".join(c.name for c in report.candidates) + " |",
        "|---|" + "---:|" * len(report.candidates),
    ]
    for index, level_row in enumerate(current.test.levels):
        cells = []
        for candidate in report.candidates:
            row = candidate.test.levels[index]
            cells.append(f"{row.harmed} of {row.count}: {share(row.share)}")
        lines.append(f"| {level_row.level} | " + " | ".join(cells) + " |")
    for key, rows in report.fairness.items():
        lines += [
            "",
            f"## Fairness and calibration by group: {report.candidate(key).name}",
            "",
            *fairness_markdown(rows),
        ]
    lines += [
        "",
        "## Current and proposed points side by side",
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
