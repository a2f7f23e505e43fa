from __future__ import annotations

from django import forms

from tessera.access.models import ReviewOutcome
from tessera.web.forms import TesseraForm


class EmergencyAccessForm(TesseraForm):
    path = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why do you need this record now?",
        help_text="Say which child or incident this is about and why it cannot wait. A supervisor will review this.",
        widget=forms.Textarea(attrs={"rows": 4}),
        min_length=20,
        max_length=2000,
        error_messages={
            "min_length": "Give more detail about why you need this record (at least 20 characters)"
        },
    )
    confirm = forms.BooleanField(
        label="I understand my access is recorded and will be reviewed by a supervisor",
    )
    required_messages = {
        "reason": "Enter why you need this record now",
        "confirm": "Confirm that you understand your access will be reviewed",
    }


class ReviewForm(TesseraForm):
    outcome = forms.ChoiceField(
        label="Was this emergency access justified?", choices=ReviewOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label="Review note", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    required_messages = {"outcome": "Select whether the access was justified", "note": "Enter a review note"}
