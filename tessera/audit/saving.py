"""How a page saves what its form says: saved and on to the next page, or the form shown again with what
stopped it (the fields' errors, or what someone else changed after the page was opened).

Services raise ``ValidationError`` for what cannot be done as asked and, for versioned records,
``StaleVersionError`` when the record changed after the user opened it (``save_changes``); every form
page answers them the same way, through ``try_to_save``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict

from tessera.audit.versioning import StaleVersionError
from tessera.ui.errors import add_service_errors

F = TypeVar("F", bound=forms.BaseForm)


@dataclass(frozen=True)
class SaveAttempt(Generic[F]):
    """How saving a form went: ``done`` (where the user goes next) once saved; otherwise the form to show
    again, with its errors added, and ``changed_since_opened`` when someone else saved first."""

    form: F
    done: HttpResponse | None = None
    changed_since_opened: str = ""


def try_to_save(
    request: HttpRequest,
    form: F,
    save: Callable[[], tuple[str, HttpResponse]],
    *,
    at_current_version: Callable[[QueryDict], F] | None = None,
) -> SaveAttempt[F]:
    """If the posted form is valid, ``save`` it: call the service and return the message to show and where
    to go next. A refusal comes back on the form: a ``ValidationError`` on its fields (or at its top), a
    ``StaleVersionError`` as ``changed_since_opened``.

    ``at_current_version`` builds the form again from what was posted: given, the form shown after someone
    else saved first carries the record's version now, so that saving again once the user has checked
    their changes is not refused a second time."""
    if not form.is_valid():
        return SaveAttempt(form)
    try:
        message, then = save()
    except StaleVersionError as stale:
        if at_current_version is not None:
            posted = request.POST.copy()
            posted["version"] = str(stale.current_version)
            form = at_current_version(posted)
            form.is_valid()
        return SaveAttempt(form, changed_since_opened=stale.message)
    except ValidationError as error:
        add_service_errors(form, error)
        return SaveAttempt(form)
    messages.success(request, message)
    return SaveAttempt(form, done=then)
