"""The district team closes a network alert, saying why."""

from __future__ import annotations

from django import forms

from tessera.ui.forms import TesseraForm


class CloseAlertForm(TesseraForm):
    reason = forms.CharField(
        label="Why the alert can be closed",
        help_text="For example what the reassessment found, or what the team has done about the link",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # How many paths the page showed: a path found since then is read before the alert is closed.
    paths_seen = forms.CharField(required=False, max_length=6, widget=forms.HiddenInput)

    def paths_shown(self) -> int | None:
        value = (self.cleaned_data.get("paths_seen") or "").strip()
        return int(value) if value.isdigit() else None
