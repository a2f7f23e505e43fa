"""``try_to_save``, the one way a form page saves through a service: saved and on, or shown again with
the fields' errors or with what someone else changed since the page was opened."""

from __future__ import annotations

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.test import RequestFactory
from django.utils import timezone

from tessera.audit.saving import try_to_save
from tessera.audit.versioning import ChangeSummary, StaleVersionError


class NoteForm(forms.Form):
    note = forms.CharField()
    version = forms.IntegerField()


def _posted(**data: str) -> HttpRequest:
    request = RequestFactory().post("/", data)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def _said(request: HttpRequest) -> list[str]:
    return [str(m) for m in get_messages(request)]


def test_a_valid_form_is_saved_and_the_user_goes_on_with_the_message():
    request = _posted(note="Seen at the park", version="3")
    form = NoteForm(request.POST)
    attempt = try_to_save(
        request, form, lambda: (f"Saved at {form.cleaned_data['version']}", HttpResponseRedirect("/next/"))
    )
    assert isinstance(attempt.done, HttpResponse)
    assert attempt.done["Location"] == "/next/"
    assert _said(request) == ["Saved at 3"]
    assert attempt.changed_since_opened == ""


def test_an_invalid_form_is_not_saved():
    request = _posted(note="", version="3")
    called: list[int] = []

    def save() -> tuple[str, HttpResponse]:
        called.append(1)
        return "", HttpResponse()

    attempt = try_to_save(request, NoteForm(request.POST), save)
    assert attempt.done is None
    assert not called
    assert "note" in attempt.form.errors


def test_what_the_service_refuses_comes_back_on_the_form():
    request = _posted(note="Seen at the park", version="3")

    def refuse() -> tuple[str, HttpResponse]:
        raise ValidationError({"note": "Say where", "elsewhere": "Not a field of the form"})

    attempt = try_to_save(request, NoteForm(request.POST), refuse)
    assert attempt.done is None
    assert attempt.form.errors["note"] == ["Say where"]
    assert attempt.form.non_field_errors() == ["Not a field of the form"]
    assert _said(request) == []


def test_a_save_refused_as_stale_says_what_changed_and_can_carry_the_current_version():
    request = _posted(note="Seen at the park", version="3")
    change = ChangeSummary(5, timezone.now(), "Priya (CSE team)", ("note",))

    def stale() -> tuple[str, HttpResponse]:
        raise StaleVersionError(5, [change])

    kept = try_to_save(request, NoteForm(request.POST), stale)
    assert kept.done is None
    assert "Priya (CSE team) changed note" in kept.changed_since_opened
    assert kept.form.cleaned_data["version"] == 3, "without a builder the form shown is the one posted"

    again = try_to_save(request, NoteForm(request.POST), stale, at_current_version=NoteForm)
    assert again.form.cleaned_data == {"note": "Seen at the park", "version": 5}
    assert again.changed_since_opened == kept.changed_since_opened
