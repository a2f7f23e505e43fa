"""The intelligence pages: reports and their subjects, releases to partners, packages for case teams."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tessera.access.policy import Action, can, get_visible_or_404, visible_to
from tessera.access.reads import log_export, log_list, log_opened
from tessera.access.scope import scope_of
from tessera.accounts.models import User
from tessera.accounts.signed_in import signed_in
from tessera.audit.saving import try_to_save
from tessera.audit.versioning import history_of
from tessera.cases.models import Case
from tessera.core.models import District
from tessera.intelligence import selectors, services
from tessera.intelligence.chart import ChartSubject, Join, co_mentions, layout
from tessera.intelligence.exploitation import BASIS
from tessera.intelligence.extraction import MentionKind
from tessera.intelligence.forms import (
    CrimeChangeForm,
    CrimeForm,
    GradeForm,
    NewReportForm,
    PackageForm,
    ReleaseForm,
    SubjectForm,
    SuspectForm,
    WithdrawForm,
    package_release_form,
)
from tessera.intelligence.grading import Grade, describe_grade
from tessera.intelligence.models import Crime, IntelligenceReport, PartnerRelease, SubjectRole
from tessera.intelligence.pdf import PackagePdf, PdfItem, package_pdf_bytes
from tessera.intelligence.rules import may_confirm_subjects, may_evaluate
from tessera.intelligence.sources import source_name, source_page
from tessera.people.models import Location, Person
from tessera.people.things import age_on
from tessera.ui.errors import add_service_errors


def _user(request: HttpRequest) -> User:
    return signed_in(request)


def _reader(request: HttpRequest) -> User:
    """Anyone who may read intelligence or its releases: those who work with named children."""
    user = _user(request)
    if not scope_of(user).works_with_named_children:
        raise PermissionDenied("Your role reads no intelligence")
    return user


def police_intelligence_reader(request: HttpRequest, what: str = "Intelligence reports") -> User:
    """The signed-in user, if their role reads police intelligence: ``what`` names the pages refused."""
    user = _user(request)
    if not scope_of(user).sees_police_intelligence:
        raise PermissionDenied(f"{what} are for police intelligence and exploitation roles")
    return user


def home(request: HttpRequest) -> HttpResponse:
    """Reports and packages (police intelligence roles); releases to the user's districts (everyone who
    works with named children)."""
    user = _reader(request)
    scope = scope_of(user)
    context: dict[str, Any] = {
        "sees_intelligence": scope.sees_police_intelligence,
        "may_evaluate": may_evaluate(scope),
    }
    if scope.sees_police_intelligence:
        context["reports"] = selectors.reports_for_list(user)
        context["packages"] = selectors.packages_for_list(user)
    context["releases"] = selectors.releases_for_list(user)
    selectors.log_intelligence_lists(
        user,
        request,
        list_name="intelligence",
        reports=context.get("reports", []),
        packages=context.get("packages", []),
        releases=context["releases"],
    )
    return render(request, "intelligence/home.html", context)


def new_report(request: HttpRequest) -> HttpResponse:
    user = police_intelligence_reader(request)
    form = NewReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        grade = Grade(data["source_evaluation"], data["intelligence_assessment"], data["handling_code"])
        try:
            report = services.submit_intelligence(
                user,
                text=data["text"],
                occurred_on=data["occurred_on"],
                occurred_time=data["occurred_time"],
                district=data["district"],
                grade=grade,
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{report.reference} recorded. Confirm the people and things it names.")
            return redirect("intelligence:report_detail", pk=report.pk)
    return render(request, "intelligence/new_report.html", {"form": form})


def _report_page(
    request: HttpRequest,
    user: User,
    report: IntelligenceReport,
    *,
    grade_form: GradeForm | None = None,
    stale_message: str = "",
    subject_error: str = "",
) -> HttpResponse:
    scope = scope_of(user)
    subjects, hidden = selectors.subjects_of(user, report)
    known = {s.entity_id for s, _ in subjects}
    offered = selectors.offered_subjects(user, report, known) if may_confirm_subjects(scope) else []
    if grade_form is None and may_evaluate(scope):
        grade_form = GradeForm(
            initial={
                "version": report.version,
                "source_evaluation": report.source_evaluation,
                "intelligence_assessment": report.intelligence_assessment,
                "handling_code": report.handling_code,
            }
        )
    context = {
        "report": report,
        "grade_words": describe_grade(
            report.source_evaluation,
            report.intelligence_assessment,
            report.handling_code,
            report.legacy_grade,
        ),
        "subjects": subjects,
        "hidden_subjects": hidden,
        "offered": offered,
        "roles": SubjectRole.choices,
        "grade_form": grade_form,
        "stale_message": stale_message,
        "subject_error": subject_error,
        "decisions": list(selectors.decisions_on(user, report)),
        "may_release": can(user, Action.SHARE, report),
        "may_record_crime": may_confirm_subjects(scope),
        "source_name": source_name(report.source_type),
        "source_url": source_page(user, report.source_type, report.source_id),
    }
    return render(request, "intelligence/report_detail.html", context)


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    report = selectors.open_report(user, pk, via=request)
    return _report_page(request, user, report)


def grade_report(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    report = selectors.report_for_form(user, pk)
    if not can(user, Action.CHANGE, report):
        raise PermissionDenied("Your role does not grade intelligence")
    if request.method != "POST":
        return redirect("intelligence:report_detail", pk=report.pk)
    form = GradeForm(request.POST)

    def grade() -> tuple[str, HttpResponse]:
        data = form.cleaned_data
        services.evaluate_report(
            user,
            report,
            grade=Grade(data["source_evaluation"], data["intelligence_assessment"], data["handling_code"]),
            expected_version=data["version"],
            request=request,
        )
        return f"{report.reference} graded {report.grade_code}.", redirect(
            "intelligence:report_detail", pk=report.pk
        )

    attempt = try_to_save(request, form, grade)
    if attempt.done:
        return attempt.done
    report = selectors.report_for_form(user, pk)
    log_opened(user, report, via=request)
    return _report_page(request, user, report, grade_form=form, stale_message=attempt.changed_since_opened)


def add_subject(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm a name, registration or number found in the text: an existing record, or a new one."""
    user = _user(request)
    report = selectors.report_for_form(user, pk)
    if not may_confirm_subjects(scope_of(user)):
        raise PermissionDenied("Your role does not record the people and things a report names")
    if request.method != "POST":
        return redirect("intelligence:report_detail", pk=report.pk)
    form = SubjectForm(request.POST)
    if not form.is_valid():
        log_opened(user, report, via=request)
        return _report_page(request, user, report, subject_error="Choose which record it is, and its role.")
    data = form.cleaned_data
    role = SubjectRole(data["role"])
    kind, value, record = data["kind"], data["value"], data["record"]
    try:
        if record and record != "new":
            if not record.isdigit() or len(record) > 12:
                raise Http404("No record found")
            named = selectors.describe_entities(user, [int(record)])
            if int(record) not in named:
                raise Http404("No record found")
            services.add_subject_entity(user, report, entity_id=int(record), role=role, request=request)
        elif kind in {MentionKind.NAME, MentionKind.NICKNAME}:
            services.record_named_person(
                user,
                report,
                name=value if kind == MentionKind.NAME else "",
                nickname=value if kind == MentionKind.NICKNAME else "",
                role=role,
                request=request,
            )
        else:
            services.record_named_thing(
                user, report, kind=MentionKind(kind), value=value, role=role, request=request
            )
    except ValidationError as error:
        log_opened(user, report, via=request)
        return _report_page(request, user, report, subject_error=" ".join(error.messages))
    messages.success(request, f"{value} recorded as a subject of {report.reference}.")
    return redirect("intelligence:report_detail", pk=report.pk)


def _subject_choices(user: User, report: IntelligenceReport) -> list[tuple[str, str]]:
    subjects, _hidden = selectors.subjects_of(user, report)
    return [(str(s.entity_id), f"{named.label} ({s.get_role_display().lower()})") for s, named in subjects]


def release_report(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    report = selectors.report_for_form(user, pk)
    if not can(user, Action.SHARE, report):
        raise PermissionDenied("Releases to partners are decided by intelligence analysts and supervisors")
    choices = _subject_choices(user, report)
    form = ReleaseForm(request.POST or None, subjects=choices, initial={"district": report.district_id})

    def decide() -> tuple[str, HttpResponse]:
        data = form.cleaned_data
        then = redirect("intelligence:report_detail", pk=report.pk)
        if data["decision"] != "release":
            services.refuse_release(
                user, report, district=data["district"], reason=data["reason"], request=request
            )
            return f"Release of {report.reference} refused; the reason is recorded.", then
        release = services.release_report(
            user,
            report,
            district=data["district"],
            sanitised_text=data["sanitised_text"],
            handling_conditions=data["handling_conditions"],
            reason=data["reason"],
            naming=[int(v) for v in data["naming"]],
            request=request,
        )
        return f"{release.reference} released to partners in {release.district}.", then

    if request.method == "POST" and (done := try_to_save(request, form, decide).done):
        return done
    log_opened(user, report, via=request, details={"page": "release"})
    return render(request, "intelligence/release_report.html", {"report": report, "form": form})


def release_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    release = selectors.open_release(user, pk, via=request)
    parts = selectors.release_parts(user, release)
    named = selectors.named_by(user, [release, *parts])
    context = {
        "release": release,
        "parts": [(part, named.get(part.pk, [])) for part in parts],
        "named": named.get(release.pk, []),
        "sees_intelligence": scope_of(user).sees_police_intelligence,
        "may_withdraw": release.outcome == "released"
        and release.withdrawn_at is None
        and can(user, Action.CHANGE, release),
    }
    return render(request, "intelligence/release_detail.html", context)


def _report_choices(user: User, request: HttpRequest) -> list[tuple[str, str]]:
    """The reports offered for a package (their opening words are shown, so the list is logged)."""
    rows = list(visible_to(user, IntelligenceReport).order_by("-created_at")[:100])
    selectors.log_intelligence_lists(user, request, list_name="reports for a package", reports=rows)
    return [(str(r.pk), f"{r.reference} ({r.grade_code}): {r.text[:80]}") for r in rows]


def new_package(request: HttpRequest) -> HttpResponse:
    user = police_intelligence_reader(request)
    if not may_evaluate(scope_of(user)):
        raise PermissionDenied("Packages are built by intelligence analysts and supervisors")
    choices = _report_choices(user, request)
    chosen = [v for v in request.GET.getlist("report") if v.isdigit()]
    form = PackageForm(request.POST or None, reports=choices, initial={"reports": chosen})

    def build() -> tuple[str, HttpResponse]:
        data = form.cleaned_data
        reports = list(visible_to(user, IntelligenceReport).filter(pk__in=[int(v) for v in data["reports"]]))
        # In the order they were recorded: a package reads as what was learnt, first to last.
        reports.sort(key=lambda r: (r.created_at, r.pk))
        case = None
        if data["case_reference"]:
            case = visible_to(user, Case).filter(reference__iexact=data["case_reference"].strip()).first()
            if case is None:
                raise ValidationError({"case_reference": "No case you can see has that reference"})
        package = services.build_package(
            user,
            title=data["title"],
            summary=data["summary"],
            district=data["district"],
            reports=reports,
            case=case,
            request=request,
        )
        return f"{package.reference} built from {len(reports)} reports.", redirect(
            "intelligence:package_detail", pk=package.pk
        )

    if request.method == "POST" and (done := try_to_save(request, form, build).done):
        return done
    return render(request, "intelligence/new_package.html", {"form": form, "has_reports": bool(choices)})


def _package_chart(user: User, reports: list[IntelligenceReport]) -> tuple[Any, list[Join], dict[int, Any]]:
    subjects: list[ChartSubject] = []
    per_report: list[tuple[str, list[int]]] = []
    named_all: dict[int, Any] = {}
    for report in reports:
        shown, _hidden = selectors.subjects_of(user, report)
        ids = []
        for subject, named in shown:
            subjects.append(
                ChartSubject(subject.entity_id, named.label, named.kind, subject.get_role_display())
            )
            named_all[subject.entity_id] = named
            ids.append(subject.entity_id)
        per_report.append((report.reference, ids))
    joins = co_mentions(per_report) + selectors.links_between(user, set(named_all))
    chart = layout(subjects, joins)
    return chart, joins, named_all


def package_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    package = selectors.open_package(user, pk, via=request)
    reports = selectors.reports_of(user, package)
    chart, _joins, named = _package_chart(user, reports)
    context = {
        "package": package,
        "reports": reports,
        "chart": chart,
        "named": named,
        "releases": list(visible_to(user, PartnerRelease).filter(package=package).select_related("district")),
        "may_release": can(user, Action.SHARE, package),
    }
    return render(request, "intelligence/package_detail.html", context)


def release_package(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    package = selectors.package_for_form(user, pk)
    if not can(user, Action.SHARE, package):
        raise PermissionDenied("Releases to partners are decided by intelligence analysts and supervisors")
    reports = selectors.reports_of(user, package)
    form_class = package_release_form(reports)
    form = form_class(request.POST or None)

    def release() -> tuple[str, HttpResponse]:
        data = form.cleaned_data
        items = [
            services.ItemDecision(
                report=report,
                sanitised_text=data[f"text_{report.pk}"],
                withheld_reason=data[f"withheld_{report.pk}"],
                naming=[
                    int(v) for v in request.POST.getlist(f"naming_{report.pk}") if v.isdigit() and len(v) < 12
                ],
            )
            for report in reports
        ]
        made = services.release_package(
            user,
            package,
            sanitised_summary=data["sanitised_summary"],
            handling_conditions=data["handling_conditions"],
            reason=data["reason"],
            items=items,
            request=request,
        )
        return f"{made.reference} released to partners in {made.district}.", redirect(
            "intelligence:release_detail", pk=made.pk
        )

    if request.method == "POST" and (done := try_to_save(request, form, release).done):
        return done
    log_opened(user, package, via=request, details={"page": "release"})
    rows = [
        (report, text, withheld, _subject_choices(user, report), request.POST.getlist(f"naming_{report.pk}"))
        for report, (_pk, text, withheld) in zip(reports, form.report_fields(), strict=True)
    ]
    return render(
        request, "intelligence/release_package.html", {"package": package, "form": form, "rows": rows}
    )


def package_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The package as a PDF for the case team (police intelligence roles), logged as an export."""
    user = _user(request)
    package = selectors.package_for_form(user, pk)
    if not can(user, Action.EXPORT, package):
        raise PermissionDenied("You cannot export this package")
    reports = selectors.reports_of(user, package)
    chart, _joins, _named = _package_chart(user, reports)
    items = [
        PdfItem(
            r.reference,
            describe_grade(r.source_evaluation, r.intelligence_assessment, r.handling_code, r.legacy_grade),
            r.text,
        )
        for r in reports
    ]
    document = PackagePdf(
        title=f"{package.reference}: {package.title}",
        audience="Police intelligence: not for partners",
        summary=package.summary,
        conditions="",
        items=items,
        chart=chart,
        printed_by=str(user),
    )
    log_export(
        user,
        package,
        via=request,
        reason="intelligence package PDF",
        details={"reports": [r.pk for r in reports]},
    )
    return _pdf_response(package_pdf_bytes(document), f"{package.reference}.pdf")


def release_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A package's released version as a PDF for partners, logged as an export."""
    user = _user(request)
    release = selectors.release_for_export(user, pk)
    parts = selectors.release_parts(user, release)
    named = selectors.named_by(user, [release, *parts])
    subjects = [ChartSubject(n.entity_id, n.label, n.kind) for part in parts for n in named.get(part.pk, [])]
    joins = co_mentions([(part.reference, [n.entity_id for n in named.get(part.pk, [])]) for part in parts])
    items = [PdfItem(part.reference, "Released version", part.sanitised_text) for part in parts]
    if release.report_id and not parts:
        items = [PdfItem(release.reference, "Released version", release.sanitised_text)]
    document = PackagePdf(
        title=f"{release.reference}: released intelligence for partners in {release.district}",
        audience=f"Released to partners in {release.district}",
        summary=release.sanitised_text if release.package_id else "",
        conditions=release.handling_conditions,
        items=items,
        chart=layout(subjects, joins),
        printed_by=str(user),
    )
    log_export(
        user,
        release,
        via=request,
        reason="released intelligence PDF",
        details={"parts": [p.pk for p in parts]},
    )
    return _pdf_response(package_pdf_bytes(document), f"{release.reference}.pdf")


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _may_keep_crimes(user: User) -> None:
    if not may_confirm_subjects(scope_of(user)):
        raise PermissionDenied("Crime records are kept by police intelligence and exploitation roles")


def crimes(request: HttpRequest) -> HttpResponse:
    """Crimes recorded against children, flagged or not, and the children a new one may be recorded for."""
    user = police_intelligence_reader(request)
    rows = selectors.crimes_for_list(user)
    selectors.log_crime_list(user, request, rows, name="crimes")
    return render(
        request,
        "intelligence/crimes.html",
        {"crimes": rows, "may_record": may_confirm_subjects(scope_of(user))},
    )


def _person_choices(people: list[Person]) -> list[tuple[str, str]]:
    return [
        (str(p.pk), f"{p}{', born ' + p.date_of_birth.strftime('%-d %b %Y') if p.date_of_birth else ''}")
        for p in people
    ]


def _place_choices(places: list[Location]) -> list[tuple[str, str]]:
    return [(str(p.pk), f"{p} ({p.get_kind_display().lower()})") for p in places]


def _chosen(choice: str, rows: list[Any]) -> Any:
    return next((row for row in rows if str(row.pk) == choice), None)


def new_crime(request: HttpRequest) -> HttpResponse:
    """Record a crime against a child: first choose the child, then the offence, date, place and flag."""
    user = police_intelligence_reader(request)
    _may_keep_crimes(user)
    victim_id = request.GET.get("victim", "")
    if not victim_id.isdigit() or len(victim_id) > 12:
        children = selectors.children_named_in_reports(user)
        log_list(
            user,
            request,
            list_name="victims for a crime",
            target_type="people.person",
            ids=[c.pk for c in children],
            people=[c.pk for c in children],
        )
        return render(request, "intelligence/new_crime_victim.html", {"children": children})
    victim = get_visible_or_404(user, Person.objects.select_related("district"), pk=int(victim_id))
    candidates = selectors.crime_candidates(user, victim)
    form = CrimeForm(request.POST or None, places=_place_choices(candidates.places))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            crime = services.record_crime(
                user,
                offence=data["offence"],
                committed_on=data["committed_on"],
                victim=victim,
                district=victim.district or _first_district(user),
                place=_chosen(data["place"], candidates.places),
                exploitation_flag=data["exploitation_flag"],
                flag_basis=data["flag_basis"],
                committed_time=data["committed_time"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{crime.reference} recorded. Add its suspects.")
            return redirect("intelligence:crime_detail", pk=crime.pk)
    log_opened(user, victim, via=request, details={"page": "record a crime"})
    return render(request, "intelligence/new_crime.html", {"victim": victim, "form": form})


def _first_district(user: User) -> District:
    scope = scope_of(user)
    district = District.objects.filter(pk__in=scope.district_ids).order_by("name").first()
    if district is None:
        raise PermissionDenied("Your account works in no district")
    return district


def _crime_page(
    request: HttpRequest,
    user: User,
    crime: Crime,
    *,
    change_form: CrimeChangeForm | None = None,
    suspect_form: SuspectForm | None = None,
    stale_message: str = "",
) -> HttpResponse:
    may_change = can(user, Action.CHANGE, crime)
    candidates = (
        selectors.crime_candidates(user, crime.victim) if may_change else selectors.Candidates([], [])
    )
    suspects = selectors.suspects_of(user, crime)
    taken = {row.person_id for row, _visible in suspects} | {crime.victim_id}
    offered = [p for p in candidates.people if p.pk not in taken]
    if may_change and change_form is None:
        change_form = CrimeChangeForm(
            places=_place_choices(candidates.places),
            initial={
                "version": crime.version,
                "offence": crime.offence,
                "committed_on": crime.committed_on,
                "committed_time": crime.committed_time,
                "place": str(crime.place_id or ""),
                "exploitation_flag": crime.exploitation_flag,
                "flag_basis": crime.flag_basis,
            },
        )
    if may_change and suspect_form is None:
        suspect_form = SuspectForm(people=_person_choices(offered), initial={"version": crime.version})
    context = {
        "crime": crime,
        "victim_age": age_on(crime.victim.date_of_birth, crime.committed_on),
        "basis": [BASIS[b] for b in crime.flag_basis if b in BASIS],
        "suspects": suspects,
        "change_form": change_form,
        "suspect_form": suspect_form,
        "stale_message": stale_message,
        "history": history_of(crime),
    }
    return render(request, "intelligence/crime_detail.html", context)


def _offered_people(user: User) -> Callable[[Crime], list[int]]:
    def offered(crime: Crime) -> list[int]:
        if not can(user, Action.CHANGE, crime):
            return []
        return [p.pk for p in selectors.crime_candidates(user, crime.victim).people]

    return offered


def crime_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    crime = selectors.open_crime(user, pk, via=request, also_people=_offered_people(user))
    return _crime_page(request, user, crime)


def change_crime(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    crime = selectors.crime_for_form(user, pk)
    if not can(user, Action.CHANGE, crime):
        raise PermissionDenied("Your role does not change crime records")
    if request.method != "POST":
        return redirect("intelligence:crime_detail", pk=crime.pk)
    candidates = selectors.crime_candidates(user, crime.victim)
    form = CrimeChangeForm(request.POST, places=_place_choices(candidates.places))

    def change() -> tuple[str, HttpResponse]:
        data = form.cleaned_data
        services.change_crime(
            user,
            crime,
            expected_version=data["version"],
            offence=data["offence"],
            committed_on=data["committed_on"],
            place=_chosen(data["place"], candidates.places),
            exploitation_flag=data["exploitation_flag"],
            flag_basis=data["flag_basis"],
            committed_time=data["committed_time"],
            request=request,
        )
        return f"{crime.reference} saved.", redirect("intelligence:crime_detail", pk=crime.pk)

    attempt = try_to_save(request, form, change)
    if attempt.done:
        return attempt.done
    crime = selectors.open_crime(user, pk, via=request, also_people=_offered_people(user))
    return _crime_page(request, user, crime, change_form=form, stale_message=attempt.changed_since_opened)


def add_crime_suspect(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    crime = selectors.crime_for_form(user, pk)
    if not can(user, Action.CHANGE, crime):
        raise PermissionDenied("Your role does not change crime records")
    if request.method != "POST":
        return redirect("intelligence:crime_detail", pk=crime.pk)
    people = selectors.crime_candidates(user, crime.victim).people
    form = SuspectForm(request.POST, people=_person_choices(people))

    def add() -> tuple[str, HttpResponse]:
        data = form.cleaned_data
        person = _chosen(data["person"], people)
        if person is None:
            raise Http404("No such person")
        details = services.SuspectDetails(
            person=person,
            age=data["age"],
            sex=data["sex"],
            ethnicity=data["ethnicity"],
            nationality=data["nationality"],
            reasons={
                name: data[f"{name}_not_known_reason"] for name in ("age", "sex", "ethnicity", "nationality")
            },
        )
        services.add_suspect(user, crime, suspect=details, expected_version=data["version"], request=request)
        return f"{person} added as a suspect of {crime.reference}.", redirect(
            "intelligence:crime_detail", pk=crime.pk
        )

    attempt = try_to_save(request, form, add)
    if attempt.done:
        return attempt.done
    crime = selectors.open_crime(user, pk, via=request, also_people=_offered_people(user))
    return _crime_page(request, user, crime, suspect_form=form, stale_message=attempt.changed_since_opened)


def withdraw_release(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a standing release, with the reason: partners stop reading it at once."""
    user = _user(request)
    release = get_visible_or_404(user, PartnerRelease.objects.select_related("district", "decided_by"), pk=pk)
    if not can(user, Action.CHANGE, release):
        raise PermissionDenied("Releases are withdrawn by intelligence analysts and supervisors")
    form = WithdrawForm(request.POST or None)

    def withdraw() -> tuple[str, HttpResponse]:
        services.withdraw_release(user, release, reason=form.cleaned_data["reason"], request=request)
        return f"{release.reference} withdrawn. Partners in {release.district} no longer see it.", redirect(
            "intelligence:release_detail", pk=release.pk
        )

    if request.method == "POST" and (done := try_to_save(request, form, withdraw).done):
        return done
    log_opened(user, release, via=request, details={"page": "withdraw"})
    return render(request, "intelligence/withdraw_release.html", {"release": release, "form": form})
