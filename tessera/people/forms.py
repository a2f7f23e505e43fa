from __future__ import annotations

from django import forms

from tessera.ui.forms import TesseraForm


class PersonSearchForm(TesseraForm):
    q = forms.CharField(
        label="Search for a person",
        max_length=200,
        help_text=(
            "A name (spelt as you heard it, or a nickname) with a date of birth if you have one, or an NHS,"
            " police, pupil or council number, a vehicle registration, a phone number, an online handle, a"
            " place's name or street, or a postcode."
        ),
    )
    required_messages = {"q": "Enter a name, date of birth, number, registration, handle or postcode"}
