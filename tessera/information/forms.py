from __future__ import annotations

from django import forms

from tessera.ui.forms import GovukDateField, TesseraForm


class FindPersonForm(TesseraForm):
    family_name = forms.CharField(label="Family name", max_length=100)
    date_of_birth = GovukDateField(label="Date of birth (if given)", required=False, past_only=True)
    required_messages = {"family_name": "Enter the family name the request gives"}


class SubjectAccessRequestForm(TesseraForm):
    requester = forms.CharField(
        label="Who asked",
        help_text="The person themselves, or who is acting for them and on what authority",
        max_length=200,
    )
    identity_checked = forms.CharField(
        label="How their identity was checked", help_text="For example: passport seen at the front counter"
    )
    received_on = GovukDateField(label="Request received on", past_only=True)
    required_messages = {
        "requester": "Enter who asked",
        "identity_checked": "Enter how their identity was checked",
        "received_on": "Enter the date the request was received",
    }


class RetentionDecisionForm(TesseraForm):
    review_on = GovukDateField(label="Review again on")
    decision_reason = forms.CharField(
        label="Why",
        help_text="The continuing purpose for keeping the records, or why they should be reviewed now",
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=10,
        error_messages={"min_length": "Give more detail about why (at least 10 characters)"},
    )
    required_messages = {"review_on": "Enter the date to review again", "decision_reason": "Enter why"}


class ErasureForm(TesseraForm):
    erasure_reason = forms.CharField(
        label="Why are these details being erased?",
        help_text="Recorded with the erasure and in the access log",
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=10,
        error_messages={"min_length": "Give more detail about why (at least 10 characters)"},
    )
    confirm = forms.BooleanField(
        label="I understand the names, dates of birth, identifiers and addresses cannot be brought back",
        error_messages={"required": "Confirm that you understand the details cannot be brought back"},
    )
    required_messages = {"erasure_reason": "Enter why these details are being erased"}
