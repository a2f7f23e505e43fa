"""Form base classes that render with GOV.UK Frontend markup and accessible error wiring.

Each field's widget gets the GOV.UK class for its kind, the error modifier when invalid, and
``aria-describedby`` pointing at its hint and error message, so screen readers announce both.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField

_WIDGET_CLASS = {
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
}
_NO_CLASS = {"radioselect", "checkboxselectmultiple", "checkbox", "govukdate", "hidden"}


class GovukBoundField(BoundField):
    def build_widget_attrs(self, attrs: dict[str, Any], widget: forms.Widget | None = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        kind = self.widget_type
        if kind == "checkbox":
            attrs["class"] = "govuk-checkboxes__input"
        elif kind == "govukdate" and self.errors:
            attrs["class"] = "govuk-input--error"
        elif kind not in _NO_CLASS:
            base = _WIDGET_CLASS.get(kind, "govuk-input")
            classes = [base, str(attrs.get("class", ""))]
            if self.errors:
                classes.append(f"{base}--error")
            attrs["class"] = " ".join(c for c in classes if c)
        described = str(attrs.get("aria-describedby", "")).split()
        if self.help_text and f"{self.auto_id}_helptext" not in described:
            described.append(f"{self.auto_id}_helptext")
        if self.errors and f"{self.auto_id}_error" not in described:
            described.append(f"{self.auto_id}_error")
        if described and not self.field.widget.use_fieldset:
            attrs["aria-describedby"] = " ".join(described)
        elif "aria-describedby" in attrs and self.field.widget.use_fieldset:
            # The fieldset carries the description for grouped inputs.
            del attrs["aria-describedby"]
        return attrs

    @property
    def error_target(self) -> str:
        """The id the error summary links to: the first input of a group, else the field itself."""
        if self.field.widget.use_fieldset:
            return f"{self.auto_id}_0"
        return str(self.auto_id)

    @property
    def described_by(self) -> str:
        parts = []
        if self.help_text:
            parts.append(f"{self.auto_id}_helptext")
        if self.errors:
            parts.append(f"{self.auto_id}_error")
        return " ".join(parts)


class TesseraFormMixin:
    bound_field_class: type[BoundField] | None = GovukBoundField
    # GOV.UK validates on the server and shows its own messages; browser pop-ups are inaccessible.
    use_required_attribute = False
    # Django's default "This field is required." does not say which field; GOV.UK asks that it does.
    required_messages: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            default = f"Enter {str(field.label or name).lower()}"
            if isinstance(field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.Select)):
                default = f"Select {str(field.label or name).lower()}"
            field.error_messages["required"] = self.required_messages.get(name, default)


class TesseraForm(TesseraFormMixin, forms.Form):
    pass


class TesseraModelForm(TesseraFormMixin, forms.ModelForm):
    pass


class VersionedFormMixin(forms.Form):
    """Carries the version the user started editing, so a stale save can be refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class GovukDateInput(forms.MultiWidget):
    template_name = "ui/widgets/date_input.html"
    use_fieldset = True

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "day": forms.TextInput,
            "month": forms.TextInput,
            "year": forms.TextInput,
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        if isinstance(value, (list, tuple)):
            return list(value)
        return [None, None, None]


class GovukDateField(forms.Field):
    """A date typed as day, month and year, with the GOV.UK error messages for each way it can be wrong."""

    widget = GovukDateInput

    def __init__(self, *, past_only: bool = False, **kwargs: Any) -> None:
        self.past_only = past_only
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, datetime.date):
            return value
        parts = [str(p).strip() if p is not None else "" for p in (value or ["", "", ""])]
        label = str(self.label or "Date")
        if not any(parts):
            return None
        missing = [name for name, part in zip(("day", "month", "year"), parts, strict=True) if not part]
        if missing:
            raise ValidationError(f"{label} must include a {' and '.join(missing)}", code="incomplete")
        try:
            day, month, year = (int(p) for p in parts)
        except ValueError:
            raise ValidationError(
                f"{label} must be a real date, written in numbers", code="invalid"
            ) from None
        if year < 1000:
            raise ValidationError(f"{label} year must include 4 numbers", code="invalid")
        try:
            result = datetime.date(year, month, day)
        except ValueError:
            raise ValidationError(f"{label} must be a real date", code="invalid") from None
        return result

    def validate(self, value: datetime.date | None) -> None:
        super().validate(value)
        if value and self.past_only and value > datetime.date.today():  # noqa: DTZ011 - a calendar date
            raise ValidationError(f"{self.label} must be today or in the past", code="future")
