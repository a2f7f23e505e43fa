"""The calibration study as a background job: feeds the pure study from the database and stores its report.

Outcomes come from ``ConfirmedOutcome`` rows (later crimes flagged as exploitation, disclosures, section 47
findings; in a synthetic world, its ground truth). Only aggregate figures are stored on the study.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from tessera.accounts.models import User
from tessera.audit.log import record_access
from tessera.audit.models import AuditAction
from tessera.jobs.queue import JobContext, enqueue, job_handler
from tessera.people.models import Ethnicity, Sex, SourceIdentity
from tessera.risk.calibration import FOLLOW_UP_MONTHS, StudySettings, report_to_json, run_study
from tessera.risk.calibration_guards import StudyRefusedError
from tessera.risk.calibration_metrics import LabelledAssessment
from tessera.risk.catalogue import CATALOGUE
from tessera.risk.instrument import to_json
from tessera.risk.models import (
    CalibrationStudy,
    ConfirmedOutcome,
    IndicatorObservation,
    InstrumentVersion,
    OutcomeKind,
    RiskAssessment,
    StudyStatus,
)
from tessera.risk.scoring import ChildFacts, Observation, months_before

JOB_KIND = "risk.calibration_study"


def _ethnicities() -> dict[int, str]:
    """Each person's ethnicity as an agency recorded it (the first stated one), for the fairness table."""
    found: dict[int, str] = {}
    labels = dict(Ethnicity.choices)
    rows = SourceIdentity.objects.exclude(ethnicity=Ethnicity.NOT_STATED).order_by("received_at", "pk")
    for person_id, ethnicity in rows.values_list("person_id", "ethnicity"):
        found.setdefault(person_id, labels.get(ethnicity, ethnicity))
    return found


def labelled_from_database(
    today: date, follow_up_months: int = FOLLOW_UP_MONTHS
) -> tuple[list[LabelledAssessment], bool]:
    """Completed assessments whose follow-up has ended, each labelled from outcomes confirmed by today,
    with the observations' entry dates and the child's groups. Returns the records and whether any
    outcome is synthetic. Maturity and the split are the pure study's business."""
    outcomes: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    synthetic = False
    confirmed = ConfirmedOutcome.objects.filter(confirmed_on__lte=today)
    for child_id, start, end, kind in confirmed.values_list(
        "child_id", "harmed_from", "harmed_until", "kind"
    ):
        outcomes[child_id].append((start, end))
        synthetic = synthetic or kind == OutcomeKind.SYNTHETIC
    observations: dict[int, list[Observation]] = defaultdict(list)
    for assessment_id, indicator, observed_on, entered_at in IndicatorObservation.objects.filter(
        withdrawn_at__isnull=True, assessment__final_level__gt=""
    ).values_list("assessment_id", "indicator", "observed_on", "entered_at"):
        observations[assessment_id].append(
            Observation(indicator, observed_on, timezone.localdate(entered_at))
        )
    ethnicities = _ethnicities()
    sexes = dict(Sex.choices)
    care = {"yes": "In care", "no": "Not in care", "": "Not recorded"}
    records = []
    rows = RiskAssessment.objects.exclude(final_level="").values_list(
        "pk",
        "child_id",
        "assessed_on",
        "learning_disability",
        "child__date_of_birth",
        "completed_at",
        "district__name",
        "child__sex",
        "in_care",
    )
    for pk, child_id, assessed_on, disability, born, completed_at, district, sex, in_care in rows:
        follow_up_end = months_before(assessed_on, -follow_up_months)
        if follow_up_end > today:
            continue
        harmed = any(
            start <= follow_up_end and (end is None or end >= assessed_on)
            for start, end in outcomes[child_id]
        )
        records.append(
            LabelledAssessment(
                child=child_id,
                assessed_on=assessed_on,
                observations=tuple(observations[pk]),
                facts=ChildFacts(born, disability),
                harmed=harmed,
                groups={
                    "district": district,
                    "sex": sexes.get(sex, sex),
                    "ethnicity": ethnicities.get(child_id, "Not stated"),
                    "care_status": care.get(in_care, "Not recorded"),
                },
                on_file_by=timezone.localdate(completed_at) if completed_at else None,
            )
        )
    return records, synthetic


def indicator_labels() -> dict[str, str]:
    return {spec.code: spec.label for spec in CATALOGUE}


def start_study(user: User, version: InstrumentVersion, request: Any = None) -> CalibrationStudy:
    with transaction.atomic():
        study = CalibrationStudy.objects.create(instrument_version=version, started_by=user)
        job = enqueue(
            JOB_KIND, title=f"Calibration study {study.pk}", params={"study": study.pk}, created_by=user
        )
        study.job = job
        study.save(update_fields=["job"])
        record_access(
            actor=user, action=AuditAction.CREATE, target=study, request=request, details={"job": job.pk}
        )
    return study


def run_calibration_job(context: JobContext) -> dict[str, Any]:
    study = CalibrationStudy.objects.select_related("instrument_version").get(pk=context.job.params["study"])
    CalibrationStudy.objects.filter(pk=study.pk).update(status=StudyStatus.RUNNING)
    context.progress(0, 6, "Reading assessments and confirmed outcomes")
    records, synthetic = labelled_from_database(timezone.localdate())
    version = study.instrument_version

    def progress(done: int, total: int, message: str) -> None:
        context.progress(done + 1, total + 1, message)

    try:
        report = run_study(
            version.instrument,
            records,
            current_name=f"Version {version.number} (in force)",
            settings=StudySettings(),
            as_of=timezone.localdate(),
            indicator_labels=indicator_labels(),
            progress=progress,
        )
    except StudyRefusedError as problem:
        CalibrationStudy.objects.filter(pk=study.pk).update(
            status=StudyStatus.FAILED, report={"problem": str(problem), "assessments": len(records)}
        )
        return {"problem": str(problem)}
    except Exception:
        CalibrationStudy.objects.filter(pk=study.pk).update(status=StudyStatus.FAILED)
        raise
    proposed = report.candidate(report.proposed_key)
    CalibrationStudy.objects.filter(pk=study.pk).update(
        status=StudyStatus.FINISHED,
        report=report_to_json(report),
        # Nothing to draft when the guards refused a proposal or no alternative beat the current version.
        proposed_definition=to_json(proposed.definition) if proposed.key != "current" else {},
        synthetic_outcomes=synthetic,
    )
    return {"study": study.pk, "target_met": report.target_met}


def register_job() -> None:
    job_handler(JOB_KIND)(run_calibration_job)
