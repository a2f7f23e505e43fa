"""The problem profile pages: the list and a new profile, a profile with its map, matrix, rankings and
recommendations, refreshing it, and its PDF and CSV exports (each export logged)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from tessera.access.policy import Action, can, get_visible_or_404, visible_to
from tessera.access.reads import log_export, log_list, log_opened
from tessera.access.scope import scope_of
from tessera.accounts.models import User
from tessera.accounts.signed_in import signed_in
from tessera.audit.saving import try_to_save
from tessera.core.models import District
from tessera.intelligence import profiles
from tessera.intelligence.hexbin import boundary_provenance
from tessera.intelligence.models import ProblemProfile
from tessera.intelligence.profile_analysis import PARTNER_KINDS, SOURCES, WEEKDAYS
from tessera.intelligence.profile_charts import hex_map_of, hotspot_map_figure, matrix_figure, sources_table
from tessera.intelligence.profile_pdf import ProfilePdf, RankedRow, profile_pdf_bytes
from tessera.intelligence.rules import may_evaluate
from tessera.intelligence.selectors import describe_entities
from tessera.intelligence.views import police_intelligence_reader
from tessera.ui.forms import GovukDateField, TesseraForm, VersionedFormMixin


class NewProfileForm(TesseraForm):
    district = forms.ModelChoiceField(
        label="District",
        queryset=District.objects.filter(is_active=True).order_by("name"),
        empty_label="Choose the district",
    )
    period_start = GovukDateField(label="Period from")
    period_end = GovukDateField(label="Period to")
    title = forms.CharField(label="Title", max_length=200, help_text="For example: Sheffield, the last year")
    required_messages = {"title": "Enter a title for the profile"}


class RecommendationsForm(VersionedFormMixin, TesseraForm):
    recommendations = forms.CharField(
        label="Recommendations",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        required=False,
        help_text="What should be done about the places, vehicles and people this profile shows.",
    )


def profile_list(request: HttpRequest) -> HttpResponse:
    user = police_intelligence_reader(request, "Problem profiles")
    may_write = may_evaluate(scope_of(user))
    today = timezone.localdate()
    form = NewProfileForm(
        request.POST or None, initial={"period_start": today - timedelta(days=365), "period_end": today}
    )
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied("Problem profiles are written by intelligence analysts and supervisors")

        def count() -> tuple[str, HttpResponse]:
            data = form.cleaned_data
            profile = profiles.create_profile(
                user,
                district=data["district"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                title=data["title"],
                request=request,
            )
            return f"{profile.reference} counted from {profile.figures['events']} events.", redirect(
                "intelligence:profile_detail", pk=profile.pk
            )

        if done := try_to_save(request, form, count).done:
            return done
    rows = list(
        visible_to(user, ProblemProfile).select_related("district").order_by("district__name", "-period_end")
    )
    log_list(
        user,
        request,
        list_name="problem profiles",
        target_type="intelligence.problemprofile",
        ids=[p.pk for p in rows],
    )
    return render(
        request,
        "intelligence/profiles.html",
        {"profiles": rows, "form": form if may_write else None},
    )


@dataclass(frozen=True)
class Row:
    rank: int
    label: str
    url: str
    count: int
    by_source: str
    partner: int


def _by_source(counts: dict[str, int]) -> str:
    return ", ".join(f"{SOURCES[k].lower()} {n}" for k, n in counts.items() if k in SOURCES)


def _rows(user: User, ranked: list[dict[str, Any]], named: dict[int, Any]) -> list[Row]:
    rows = []
    for number, item in enumerate(ranked, start=1):
        entity = named.get(item["key"])
        rows.append(
            Row(
                number,
                entity.label if entity else "Not yours to see (outside your districts)",
                entity.url if entity else "",
                int(item["count"]),
                _by_source(item["by_source"]),
                int(item["by_source"].get("partner", 0)),
            )
        )
    return rows


@dataclass(frozen=True)
class ProfileView:
    hotspots: list[Row]
    vehicles: list[Row]
    people: list[Row]
    people_ids: list[int]


def _view_of(user: User, profile: ProblemProfile) -> ProfileView:
    figures = profile.figures or {}
    ids = {item["key"] for key in ("hotspots", "vehicles", "people") for item in figures.get(key, [])}
    named = describe_entities(user, ids)
    people = _rows(user, figures.get("people", []), named)
    people_ids = [named[i["key"]].person_id for i in figures.get("people", []) if i["key"] in named]
    return ProfileView(
        _rows(user, figures.get("hotspots", []), named),
        _rows(user, figures.get("vehicles", []), named),
        people,
        [p for p in people_ids if p is not None],
    )


def _detail(
    request: HttpRequest,
    user: User,
    profile: ProblemProfile,
    *,
    form: RecommendationsForm | None = None,
    stale_message: str = "",
) -> HttpResponse:
    view = _view_of(user, profile)
    log_opened(user, profile, via=request, shown={"people.person": view.people_ids})
    figures = profile.figures or {}
    may_change = can(user, Action.CHANGE, profile)
    if may_change and form is None:
        form = RecommendationsForm(
            initial={"version": profile.version, "recommendations": profile.recommendations}
        )
    context: dict[str, Any] = {
        "profile": profile,
        "figures": figures,
        "view": view,
        "map": hotspot_map_figure(
            hex_map_of(profile.district.code, figures),
            str(profile.district),
            [(r.label, r.count, str(r.partner)) for r in view.hotspots],
        ),
        "matrix": matrix_figure(
            figures.get("matrix", [[0] * 24] * 7), figures.get("hour_not_known", [0] * 7)
        ),
        "sources": sources_table(
            figures.get("sources", {}),
            {PARTNER_KINDS.get(k, "Other premises"): n for k, n in figures.get("partners", {}).items()},
            float(figures.get("partner_share", 0.0)),
        ),
        "form": form if may_change else None,
        "may_change": may_change,
        "stale_message": stale_message,
        "provenance": boundary_provenance(),
    }
    return render(request, "intelligence/profile_detail.html", context)


def _profile(user: User, pk: int) -> ProblemProfile:
    return get_visible_or_404(user, ProblemProfile.objects.select_related("district", "refreshed_by"), pk=pk)


def profile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    return _detail(request, user, _profile(user, pk))


def profile_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    profile = _profile(user, pk)
    if not can(user, Action.CHANGE, profile):
        raise PermissionDenied("Problem profiles are refreshed by intelligence analysts and supervisors")
    if request.method == "POST":
        profile = profiles.refresh(user, profile, request=request)
        messages.success(request, f"{profile.reference} counted again: {profile.figures['events']} events.")
    return redirect("intelligence:profile_detail", pk=profile.pk)


def profile_recommendations(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    profile = _profile(user, pk)
    if not can(user, Action.CHANGE, profile):
        raise PermissionDenied("Recommendations are written by intelligence analysts and supervisors")
    if request.method != "POST":
        return redirect("intelligence:profile_detail", pk=profile.pk)
    form = RecommendationsForm(request.POST)

    def save() -> tuple[str, HttpResponse]:
        profiles.save_recommendations(
            user,
            profile,
            recommendations=form.cleaned_data["recommendations"],
            expected_version=form.cleaned_data["version"],
            request=request,
        )
        return "Recommendations saved with the profile.", redirect(
            "intelligence:profile_detail", pk=profile.pk
        )

    attempt = try_to_save(request, form, save)
    if attempt.done:
        return attempt.done
    return _detail(request, user, _profile(user, pk), form=form, stale_message=attempt.changed_since_opened)


def _export_rows(view: ProfileView) -> dict[str, list[RankedRow]]:
    return {
        name: [RankedRow(r.rank, r.label, r.count, r.by_source) for r in rows]
        for name, rows in (("hotspots", view.hotspots), ("vehicles", view.vehicles), ("people", view.people))
    }


def profile_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    profile = _profile(user, pk)
    if not can(user, Action.EXPORT, profile):
        raise PermissionDenied("You cannot export this profile")
    view = _view_of(user, profile)
    figures = profile.figures or {}
    rows = _export_rows(view)
    document = ProfilePdf(
        title=f"{profile.reference}: {profile.title}",
        district=str(profile.district),
        period=f"{profile.period_start:%-d %B %Y} to {profile.period_end:%-d %B %Y}",
        figures=figures,
        hexes=hex_map_of(profile.district.code, figures),
        hotspots=rows["hotspots"],
        vehicles=rows["vehicles"],
        people=rows["people"],
        recommendations=profile.recommendations,
        printed_by=str(user),
    )
    log_export(
        user,
        profile,
        via=request,
        reason="problem profile PDF",
        details={"format": "pdf", "events": figures.get("events", 0), "people": view.people_ids},
    )
    response = HttpResponse(profile_pdf_bytes(document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{profile.reference}.pdf"'
    return response


def profile_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Every figure of the profile as one CSV: the rankings, the sources, the matrix."""
    user = signed_in(request)
    profile = _profile(user, pk)
    if not can(user, Action.EXPORT, profile):
        raise PermissionDenied("You cannot export this profile")
    view = _view_of(user, profile)
    figures = profile.figures or {}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "rank", "label", "events", "by source"])
    for name, rows in _export_rows(view).items():
        for row in rows:
            writer.writerow([name, row.rank, _safe(row.label), row.count, row.by_source])
    for key, label in SOURCES.items():
        writer.writerow(["sources", "", label, figures.get("sources", {}).get(key, 0), ""])
    for kind, count in figures.get("partners", {}).items():
        writer.writerow(["partner premises", "", PARTNER_KINDS.get(kind, "Other premises"), count, ""])
    writer.writerow([])
    writer.writerow(["weekday", *(f"{h:02d}" for h in range(24)), "hour not known"])
    for day, name in enumerate(WEEKDAYS):
        writer.writerow(
            [name, *figures.get("matrix", [[0] * 24] * 7)[day], figures.get("hour_not_known", [0] * 7)[day]]
        )
    log_export(
        user,
        profile,
        via=request,
        reason="problem profile CSV",
        details={"format": "csv", "events": figures.get("events", 0), "people": view.people_ids},
    )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{profile.reference}.csv"'
    return response


def _safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return f"'{value}" if value[:1] in {"=", "+", "-", "@"} else value
