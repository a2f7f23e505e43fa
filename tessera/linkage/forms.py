"""Forms for deciding a pair, undoing a link, starting a run and the search-before-create query."""

from __future__ import annotations

from typing import Any

from django import forms

from tessera.people.identifiers import normalise_nhs_number
from tessera.ui.forms import GovukDateField, TesseraForm


class DecisionForm(TesseraForm):
    decision = forms.ChoiceField(
        label="Are these records the same person?",
        choices=[
            ("same", "Yes, the same person: link them"),
            ("different", "No, different people: do not link"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Why?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What convinced you, for example: same NHS number; confirmed with the school.",
    )
    required_messages = {
        "decision": "Select whether these records are the same person",
        "reason": "Enter why you decided this",
    }


class UndoForm(TesseraForm):
    reason = forms.CharField(label="Why is this link wrong?", widget=forms.Textarea(attrs={"rows": 3}))
    required_messages = {"reason": "Enter why the link is wrong"}


class RunForm(TesseraForm):
    retrain = forms.BooleanField(label="Retrain the model on the current records first", required=False)


class CandidateQueryForm(forms.Form):
    """What a person-entry form sends to the candidate fragment. Every field optional: it is a hint."""

    given_name = forms.CharField(required=False, max_length=100)
    family_name = forms.CharField(required=False, max_length=100)
    other_names = forms.CharField(required=False, max_length=300)
    date_of_birth = GovukDateField(required=False)
    sex = forms.CharField(required=False, max_length=10)
    address_line_1 = forms.CharField(required=False, max_length=150)
    postcode = forms.CharField(required=False, max_length=10)
    nhs_number = forms.CharField(required=False, max_length=12)
    pupil_number = forms.CharField(required=False, max_length=15)

    def typed_record(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["other_names"] = [n.strip() for n in (data.get("other_names") or "").split(";") if n.strip()]
        data["nhs_number"] = normalise_nhs_number(data.get("nhs_number") or "")
        data["pupil_number"] = (data.get("pupil_number") or "").replace(" ", "").upper()
        return data
