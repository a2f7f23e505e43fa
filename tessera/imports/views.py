"""Pages for sending partner files, watching them import and correcting the rows they could not take."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tessera.access.reads import log_opened
from tessera.access.scope import scope_of
from tessera.accounts.signed_in import signed_in
from tessera.core.models import District
from tessera.imports import selectors, services
from tessera.imports.forms import CorrectionForm, SetAsideForm, UploadForm
from tessera.imports.models import RowStatus


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
        if started.is_new:
            messages.success(request, f"{upload.name} is being imported.")
        elif started.may_open:
            messages.info(
                request,
                f"This file was already imported on {started.batch.created_at:%d %B %Y}. Nothing has changed.",
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
    return render(request, "imports/batch_upload.html", {"form": form})


def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch, rows = selectors.open_batch(request.user, pk, via=request)
    return render(
        request,
        "imports/batch_detail.html",
        {
            "batch": batch,
            "rows": rows,
            "waiting": [r for r in rows if r.status == RowStatus.WAITING],
            "job": batch.job if batch.job and batch.job.created_by_id == request.user.pk else None,
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
