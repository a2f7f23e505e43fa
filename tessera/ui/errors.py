"""Putting a service's ValidationError onto the form that collected the input."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Each message goes on its field when the form has that field, else in the summary."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for name, errors in error.message_dict.items():
        target = name if name in form.fields else None
        for message in errors:
            form.add_error(None if name == NON_FIELD_ERRORS else target, message)
