"""Aggregate pages for managers and chief officers: override analytics and the calibration study."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tessera.access.reads import log_aggregate, log_opened
from tessera.access.scope import scope_of
from tessera.accounts.signed_in import signed_in
from tessera.risk import selectors, version_services
from tessera.risk.analytics import override_report
from tessera.risk.calibration_job import start_study
from tessera.risk.charts import (
    FLAG_EVERYONE,
    BenefitPoint,
    CurvePoint,
    calibration_svg,
    decision_curve_svg,
)
from tessera.risk.instrument import from_json
from tessera.risk.models import CalibrationStudy, StudyStatus
from tessera.risk.rules import may_manage_instrument, may_see_aggregates

SHORT_NAMES = {
    "current": "Current version",
    "rebanded": "A: current points, new bands",
    "reweighted": "B: re-weighted and re-banded",
}


def _require_aggregates(request: HttpRequest) -> None:
    if not may_see_aggregates(scope_of(request.user)):
        raise PermissionDenied("These figures are for managers and chief officers")


def overrides(request: HttpRequest) -> HttpResponse:
    _require_aggregates(request)
    report = override_report(request.user)
    log_aggregate(request.user, request, report="risk.overrides")
    return render(request, "risk/overrides.html", {"report": report})


def calibration(request: HttpRequest) -> HttpResponse:
    _require_aggregates(request)
    studies = CalibrationStudy.objects.select_related("instrument_version", "job").order_by("-created_at")[
        :20
    ]
    return render(
        request,
        "risk/calibration_list.html",
        {
            "studies": studies,
            "may_run": may_manage_instrument(scope_of(request.user)),
            "version": selectors.version_in_force(),
        },
    )


@require_POST
def calibration_start(request: HttpRequest) -> HttpResponse:
    if not may_manage_instrument(scope_of(request.user)):
        raise PermissionDenied("Only an authorised manager can run the calibration study")
    version = selectors.version_in_force()
    if version is None:
        messages.error(request, "No instrument version is in force, so there is nothing to calibrate.")
        return redirect("risk:calibration")
    study = start_study(signed_in(request), version, request=request)
    messages.success(request, "Calibration study started. This page shows its progress.")
    return redirect("risk:calibration_detail", pk=study.pk)


def _curve(points: list[dict[str, Any]]) -> list[CurvePoint]:
    return [
        CurvePoint(
            p["predicted"], p["observed"]["value"], p["count"], p["observed"]["low"], p["observed"]["high"]
        )
        for p in points
    ]


def _benefit(rows: list[dict[str, Any]]) -> list[BenefitPoint]:
    return [
        BenefitPoint(r["threshold"], r["version"]["value"], r["version"]["low"], r["version"]["high"])
        for r in rows
    ]


def _decision_series(candidates: list[dict[str, Any]]) -> dict[str, list[BenefitPoint]]:
    series = {SHORT_NAMES.get(c["key"], c["name"]): _benefit(c["test"]["decision_curve"]) for c in candidates}
    if candidates:
        rows = candidates[0]["test"]["decision_curve"]
        series[FLAG_EVERYONE] = [
            BenefitPoint(
                r["threshold"],
                r["flag_everyone"]["value"],
                r["flag_everyone"]["low"],
                r["flag_everyone"]["high"],
            )
            for r in rows
        ]
    return series


def _clearly_higher(ceiling: dict[str, Any] | None, proposed: dict[str, Any] | None) -> bool:
    """The ceiling's interval lies wholly above the proposal's AUC interval."""
    if not ceiling or not proposed or ceiling.get("low") is None:
        return False
    auc = proposed["test"]["auc"]
    return auc.get("high") is not None and ceiling["low"] > auc["high"]


def _clearly_lower(ceiling: dict[str, Any] | None, proposed: dict[str, Any] | None) -> bool:
    """The ceiling's interval lies wholly below the proposal's AUC interval."""
    if not ceiling or not proposed or ceiling.get("high") is None:
        return False
    auc = proposed["test"]["auc"]
    return auc.get("low") is not None and ceiling["high"] < auc["low"]


def calibration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_aggregates(request)
    study = (
        CalibrationStudy.objects.select_related("instrument_version", "job", "started_by")
        .filter(pk=pk)
        .first()
    )
    if study is None:
        raise Http404("No such study")
    report = study.report if study.status == StudyStatus.FINISHED else {}
    # A study saved before figures carried intervals is shown as its problem only, never without them.
    candidates = [c for c in report.get("candidates", []) if "decision_curve" in c.get("test", {})]
    proposed = next((c for c in candidates if c["key"] == report.get("proposed_key")), None)
    chart = (
        calibration_svg(
            {SHORT_NAMES.get(c["key"], c["name"]): _curve(c["test"]["curve"]) for c in candidates}
        )
        if candidates
        else None
    )
    decision_chart = decision_curve_svg(_decision_series(candidates)) if candidates else None
    level_rows = [
        (level["level"], [c["test"]["levels"][index] for c in candidates])
        for index, level in enumerate(candidates[0]["test"]["levels"] if candidates else [])
    ]
    weights = []
    if candidates and proposed and proposed["key"] != "current":
        current_def = from_json(candidates[0]["definition"])
        proposed_def = from_json(proposed["definition"])
        weights = [
            (
                i.label,
                i.current,
                i.older,
                proposed_def.indicator(i.code).current,
                proposed_def.indicator(i.code).older,
            )
            for i in current_def.indicators
        ]
    log_opened(request.user, study, via=request, details={"aggregate": True}, grant=None)
    return render(
        request,
        "risk/calibration_detail.html",
        {
            "study": study,
            "report": report,
            "candidates": candidates,
            "proposed": proposed,
            "chart": chart,
            "decision_chart": decision_chart,
            "decision_rows": [
                (
                    row["threshold"],
                    row["flag_everyone"],
                    [c["test"]["decision_curve"][i]["version"] for c in candidates],
                )
                for i, row in enumerate(candidates[0]["test"]["decision_curve"] if candidates else [])
            ],
            "fairness": [
                (c["name"], report.get("fairness", {}).get(c["key"], []))
                for c in candidates
                if c["key"] in report.get("fairness", {})
            ],
            "proposing": bool(proposed and proposed["key"] != "current"),
            "ceiling_clearly_higher": _clearly_higher(report.get("ceiling_auc"), proposed),
            "ceiling_clearly_lower": _clearly_lower(report.get("ceiling_auc"), proposed),
            "weights": weights,
            "level_rows": level_rows,
            "may_propose": may_manage_instrument(scope_of(request.user))
            and proposed is not None
            and proposed["key"] != "current"
            and not study.proposed_versions.exists(),
        },
    )


@require_POST
def calibration_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """Draft a new instrument version from the study's proposal; a second manager must approve it."""
    if not may_manage_instrument(scope_of(request.user)):
        raise PermissionDenied("Only an authorised manager can draft an instrument version")
    study = CalibrationStudy.objects.filter(pk=pk, status=StudyStatus.FINISHED).first()
    if study is None or not study.proposed_definition:
        raise Http404("No proposal to draft from")
    definition = from_json(study.proposed_definition)
    summary = " ".join(study.report.get("summary", []))
    try:
        version = version_services.draft_version(
            signed_in(request),
            definition.with_weights({}, definition.bands, f"Calibrated from study {study.pk}"),
            change_summary=f"Proposed by calibration study {study.pk}. {summary}",
            study=study,
            request=request,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("risk:calibration_detail", pk=study.pk)
    messages.success(
        request, f"Version {version.number} drafted from the study. A second manager must approve it."
    )
    return redirect("risk:version_detail", number=version.number)
