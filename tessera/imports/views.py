"""Pages for sending partner files, watching them import and correcting the rows they could not take."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tessera.access.reads import log_opened
from tessera.access.scope import scope_of
from tessera.accounts.signed_in import signed_in
from tessera.core.models import District
from tessera.imports import selectors, services
from tessera.imports.columns import column_lines, fields_not_in_file
from tessera.imports.forms import ColumnsForm, CorrectionForm, SetAsideForm, UploadForm
from tessera.imports.models import BatchStatus, RowStatus
from tessera.imports.profiles import FIELD_LABELS, PROFILES
from tessera.imports.specification import specification_csv, specification_file_name


def batch_list(request: HttpRequest) -> HttpResponse:
    services.require_importer(signed_in(request))
    batches = selectors.visible_batches(request.user)[:100]
    return render(request, "imports/batch_list.html", {"batches": batches})


def batch_upload(request: HttpRequest) -> HttpResponse:
    services.require_importer(signed_in(request))
    districts = District.objects.filter(pk__in=scope_of(request.user).district_ids).order_by("name")
    form = UploadForm(request.POST or None, request.FILES or None, districts=districts)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        started = services.start_import(
            signed_in(request),
            profile_code=form.cleaned_data["profile"],
            agency=form.cleaned_data["agency"],
            district=form.cleaned_data["district"],
            file_name=upload.name,
            file_format=form.file_format,
            content=upload.read(),
            request=request,
        )
        batch = started.batch
        if started.is_new and batch.status == BatchStatus.CHECKING:
            return redirect("imports:batch_columns", pk=batch.pk)
        if started.is_new:
            messages.error(request, f"{upload.name} could not be imported. Nothing in it was taken.")
        elif started.may_open and batch.status == BatchStatus.CHECKING:
            messages.info(
                request, "This file was already received and is waiting for its columns to be checked."
            )
            return redirect("imports:batch_columns", pk=batch.pk)
        elif started.may_open:
            messages.info(
                request,
                f"This file was already imported on {batch.created_at:%d %B %Y}. Nothing has changed.",
            )
        else:
            # The earlier import is outside the user's districts: say nothing of it but that it exists.
            messages.info(
                request,
                "This file has already been received, so nothing has changed. "
                "The earlier import is not one you can open.",
            )
            return redirect("imports:batch_list")
        return redirect("imports:batch_detail", pk=started.batch.pk)
    return render(request, "imports/batch_upload.html", {"form": form, "profiles": list(PROFILES.values())})


def column_specification(request: HttpRequest, code: str) -> HttpResponse:
    """A profile's columns as a CSV a partner can be sent: names no one, so it is not logged as a read."""
    services.require_importer(signed_in(request))
    profile = PROFILES.get(code)
    if profile is None:
        raise Http404("No such import profile")
    response = HttpResponse(specification_csv(profile), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{specification_file_name(profile)}"'
    return response


def batch_columns(request: HttpRequest, pk: int) -> HttpResponse:
    """Every column of the file and what it holds; the import starts only once each is accounted for."""
    posted = request.method == "POST"
    if posted:
        batch = selectors.batch_for_page(request.user, pk)
    else:
        batch = selectors.open_batch_columns(request.user, pk, via=request)
    if batch.status != BatchStatus.CHECKING:
        return redirect("imports:batch_detail", pk=batch.pk)
    form = ColumnsForm(request.POST if posted else None, batch=batch)
    if posted and form.is_valid():
        try:
            services.begin_import(signed_in(request), batch, form.choices, request=request)
        except services.ColumnsNotAccountedForError as refused:
            for problem in refused.problems:
                form.add_error(form.field_for_column[problem.column], problem.message)
        else:
            messages.success(request, f"{batch.file_name} is being imported.")
            return redirect("imports:batch_detail", pk=batch.pk)
    if posted:
        # The choices were refused: the file's columns are shown again.
        log_opened(request.user, batch, via=request)
    choices = form.choices if posted else {}
    return render(
        request,
        "imports/batch_columns.html",
        {
            "batch": batch,
            "form": form,
            "lines": column_lines(batch.file_columns, batch.base_profile, choices),
            "not_in_file": _labels(fields_not_in_file(batch.file_columns, batch.base_profile, choices)),
        },
    )


def _labels(fields: list[str]) -> list[str]:
    return [FIELD_LABELS[name] for name in fields]


def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch, rows = selectors.open_batch(request.user, pk, via=request)
    # A refused file was never imported: a progress bar for it would claim work that never happened.
    shows_progress = (
        batch.job and batch.job.created_by_id == request.user.pk and batch.status != BatchStatus.REFUSED
    )
    return render(
        request,
        "imports/batch_detail.html",
        {
            "batch": batch,
            "rows": rows,
            "waiting": [r for r in rows if r.status == RowStatus.WAITING],
            "job": batch.job if shows_progress else None,
            "lines": column_lines(batch.file_columns, batch.base_profile, batch.column_choices),
            "not_in_file": _labels(
                fields_not_in_file(batch.file_columns, batch.base_profile, batch.column_choices)
            ),
        },
    )


def row_correct(request: HttpRequest, pk: int, row_pk: int) -> HttpResponse:
    posted = request.method == "POST"
    if posted:
        row = selectors.row_for_page(request.user, pk, row_pk)
    else:
        row = selectors.open_row(request.user, pk, row_pk, via=request)
    batch = row.batch
    profile = batch.profile
    problem = ""
    if posted and row.status == RowStatus.WAITING:
        form = CorrectionForm(request.POST, profile=profile)
        if form.is_valid() and form.record is not None:
            try:
                identity = services.resubmit_row(signed_in(request), row, form.record, request=request)
            except services.RecordIdTakenError as taken:
                form.add_error("source_record_id", taken.message)
            else:
                messages.success(
                    request,
                    f"Row {row.row_number} imported as {batch.source_system} record "
                    f"{identity.source_record_id}.",
                )
                return redirect("imports:batch_detail", pk=batch.pk)
    else:
        form = CorrectionForm(initial=CorrectionForm.initial_from_raw(row.raw, profile), profile=profile)
        if row.status != RowStatus.WAITING:
            problem = f"This row has been dealt with: {row.get_status_display().lower()}."
    if posted:
        # The correction failed (or the row was dealt with meanwhile): the row is shown again.
        log_opened(request.user, row, via=request)
    return render(
        request,
        "imports/row_correct.html",
        {
            "batch": batch,
            "row": row,
            "form": form,
            "set_aside_form": SetAsideForm(),
            "problem": problem,
            "raw_items": sorted(row.raw.items()),
        },
    )


@require_POST
def row_set_aside(request: HttpRequest, pk: int, row_pk: int) -> HttpResponse:
    row = selectors.row_for_page(request.user, pk, row_pk)
    if row.status != RowStatus.WAITING:
        # Dealt with already (a second sending, or someone else got there first): the page says so and
        # draws no form, so no errors are shown for one.
        return redirect("imports:row_correct", pk=row.batch_id, row_pk=row.pk)
    form = SetAsideForm(request.POST)
    if form.is_valid():
        services.set_aside_row(signed_in(request), row, form.cleaned_data["note"], request=request)
        messages.success(request, f"Row {row.row_number} set aside. It stays on record with your reason.")
        return redirect("imports:batch_detail", pk=row.batch_id)
    profile = row.batch.profile
    # The set-aside was refused: the row is shown again.
    log_opened(request.user, row, via=request)
    return render(
        request,
        "imports/row_correct.html",
        {
            "batch": row.batch,
            "row": row,
            "form": CorrectionForm(
                initial=CorrectionForm.initial_from_raw(row.raw, profile), profile=profile
            ),
            "set_aside_form": form,
            "problem": "",
            "raw_items": sorted(row.raw.items()),
        },
    )
