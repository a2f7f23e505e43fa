"""Form base classes that render with GOV.UK Frontend markup and accessible error wiring.

Each field's widget gets the GOV.UK class for its kind, the error modifier when invalid, and
``aria-describedby`` pointing at its hint and error message, so screen readers announce both.
"""

from __future__ import annotations

import datetime
import functools
import re
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.forms.boundfield import BoundField

from tessera.ui.text import free_text_problem, name_problem

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


# Text nobody types by hand: a longer paste is refused with a message rather than stored (a 1 MB note would
# also make a 1 MB chronology PDF). Fields that declare their own max_length keep it.
LONG_TEXT_LIMIT = 10_000
SHORT_TEXT_LIMIT = 300


class _CharacterRule:
    """A validator that names the field and the character it refuses ("... must not contain a line break")."""

    def __init__(self, label: str, problem_of: Callable[[str], str | None]) -> None:
        self.label = label
        self.problem_of = problem_of

    def __call__(self, value: str) -> None:
        problem = self.problem_of(value)
        if problem:
            raise ValidationError(f"{self.label} must not contain {problem}", code="characters")


_DJANGO_REQUIRED = forms.Field.default_error_messages["required"]


def _is_name(field_name: str) -> bool:
    return field_name.endswith(("name", "names"))


class TesseraFormMixin:
    """GOV.UK messages naming each field, and limits on every text field.

    Every text field gets a length limit and refuses text-direction controls and control characters; a
    field whose name ends in ``name`` or ``names`` (first name, family name, other names) also refuses
    line breaks and invisible characters such as zero-width spaces.
    """

    bound_field_class: type[BoundField] | None = GovukBoundField
    # GOV.UK validates on the server and shows its own messages; browser pop-ups are inaccessible.
    use_required_attribute = False
    # Django's default "This field is required." does not say which field; GOV.UK asks that it does.
    required_messages: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            label = str(field.label or name.replace("_", " ").capitalize())
            default = f"Enter {label.lower()}"
            if isinstance(field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.Select)):
                default = f"Select {label.lower()}"
            if name in self.required_messages or field.error_messages["required"] == _DJANGO_REQUIRED:
                field.error_messages["required"] = self.required_messages.get(name, default)
            # UUIDField and JSONField are CharFields whose cleaned value is not text.
            if isinstance(field, forms.CharField) and not isinstance(
                field, (forms.UUIDField, forms.JSONField)
            ):
                _limit_text(name, label, field)


def _field_messages(label: str, field: forms.Field) -> dict[str, str]:
    """Tessera's words for each way Django can refuse a value, naming the field (issue 17, build 7: a
    message such as "Select a valid choice." leaves the user guessing which box is wrong)."""
    lower = label.lower()
    choose = f"Select {lower}: what was sent is not one of the choices given"
    if label.endswith("?"):
        choose = f"Answer “{label}” with one of the choices given"
    if isinstance(field, forms.IntegerField):
        invalid = f"{label} must be a whole number"
    elif isinstance(field, (forms.DecimalField, forms.FloatField)):
        invalid = f"{label} must be a number"
    elif isinstance(field, forms.EmailField):
        invalid = f"Enter {lower} in the right form, like name@example.org"
    elif isinstance(field, (forms.DateField, forms.DateTimeField)):
        invalid = f"{label} must be a real date"
    elif isinstance(field, forms.TimeField):
        invalid = f"{label} must be a time, like 14:30"
    elif isinstance(field, forms.SlugField):
        invalid = f"{label} must be letters, numbers, hyphens or underscores only"
    elif isinstance(field, forms.FileField):
        invalid = f"Select {lower}"
    else:
        invalid = f"{label} is not in a form Tessera can read"
    return {
        "invalid": invalid,
        "invalid_choice": choose,
        "invalid_list": choose,
        "invalid_pk_value": choose,
        "min_value": f"{label} must be %(limit_value)s or more",
        "max_value": f"{label} must be %(limit_value)s or less",
        "step_size": f"{label} must be a multiple of %(limit_value)s",
        "max_digits": f"{label} must have no more than %(max)s digits",
        "max_decimal_places": f"{label} must have no more than %(max)s decimal places",
        "max_whole_digits": f"{label} must have no more than %(max)s digits before the decimal point",
        "null_characters_not_allowed": f"{label} must not contain a NUL character (U+0000)",
        "max_length": f"{label} must be %(limit_value)d characters or fewer",
        "min_length": f"{label} must be at least %(limit_value)d characters",
        "missing": f"Select {lower}",
        "empty": f"{label} is empty",
    }


@functools.cache
def _generic_templates() -> frozenset[str]:
    """Django's own message templates: the form fields' and the validators' defaults."""
    templates: set[str] = set()
    for klass in (*_all_subclasses(forms.Field),):
        templates.update(str(v) for v in getattr(klass, "default_error_messages", {}).values())
    for validator in (
        validators.MinValueValidator,
        validators.MaxValueValidator,
        validators.StepValueValidator,
        validators.ProhibitNullCharactersValidator,
        validators.EmailValidator,
        validators.MaxLengthValidator,
        validators.MinLengthValidator,
    ):
        templates.add(str(validator.message))
    templates.update(str(v) for v in validators.DecimalValidator.messages.values())
    templates.update(str(v.message) for v in (validators.validate_slug, validators.validate_unicode_slug))
    return frozenset(templates)


def _all_subclasses(klass: type) -> list[type]:
    found = [klass]
    sub: type
    for sub in klass.__subclasses__():
        found.extend(_all_subclasses(sub))
    return found


def name_fields_in_errors(form: forms.BaseForm) -> None:
    """Put the field's name into every refusal that is still in Django's generic words, however the
    field was made (declared, added in ``__init__``) and wherever the refusal came from (``to_python``,
    a validator, the choice check). A form's own messages are left as they are."""
    generic = _generic_templates()
    for name, errors in list(form.errors.items()):
        if name not in form.fields:
            continue
        field = form.fields[name]
        label = str(field.label or name.replace("_", " ").capitalize())
        ours = _field_messages(label, field)
        rewritten = []
        changed = False
        for error in errors.as_data():
            message = str(error.message)
            if error.code in ours and message in generic:
                error = ValidationError(ours[error.code], code=error.code, params=error.params)
                changed = True
            rewritten.append(error)
        if changed:
            form.errors[name] = form.error_class(rewritten, renderer=form.renderer)


def _limit_text(name: str, label: str, field: forms.CharField) -> None:
    if field.max_length is None:
        field.max_length = LONG_TEXT_LIMIT if isinstance(field.widget, forms.Textarea) else SHORT_TEXT_LIMIT
        field.validators.append(MaxLengthValidator(field.max_length))
    field.error_messages.setdefault("max_length", f"{label} must be {field.max_length:,} characters or fewer")
    if not isinstance(field.widget, (forms.PasswordInput, forms.HiddenInput)):
        field.validators.append(_CharacterRule(label, name_problem if _is_name(name) else free_text_problem))


_RECORD_NUMBER = re.compile(r"-?[0-9]+")
# The largest key a database integer holds (PostgreSQL bigint, SQLite INTEGER).
_LARGEST_KEY = 2**63 - 1


def _refuse_keys_too_big(field: forms.ModelChoiceField[Any]) -> None:
    """A choice of record sent as a number too big for the database is not one of the choices. Django
    passes it to the query, where SQLite raises OverflowError (a 500): refuse it before then."""
    if getattr(field, "_keys_checked", False):
        return
    clean = field.clean

    def clean_checked(value: Any) -> Any:
        for part in value if isinstance(value, (list, tuple)) else [value]:
            text = str(part).strip() if part is not None else ""
            if _RECORD_NUMBER.fullmatch(text) and (len(text) > 20 or abs(int(text)) > _LARGEST_KEY):
                raise ValidationError(
                    field.error_messages["invalid_choice"], code="invalid_choice", params={"value": text[:20]}
                )
        return clean(value)

    field.clean = clean_checked  # type: ignore[method-assign]
    field._keys_checked = True  # type: ignore[attr-defined]


def _check_record_choices(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            _refuse_keys_too_big(field)


class TesseraForm(TesseraFormMixin, forms.Form):
    def full_clean(self) -> None:
        _check_record_choices(self)
        super().full_clean()
        if self.errors:
            name_fields_in_errors(self)


if TYPE_CHECKING:
    # Django's form classes are generic in its type stubs only; at run time they cannot be subscripted.
    _ModelForm = forms.ModelForm[Any]
else:
    _ModelForm = forms.ModelForm


class TesseraModelForm(TesseraFormMixin, _ModelForm):
    def full_clean(self) -> None:
        _check_record_choices(self)
        super().full_clean()
        if self.errors:
            name_fields_in_errors(self)


class SubmitOnceMixin(forms.Form):
    """A token made when the form is drawn, so the service can refuse to make a second record from a
    second sending of the same form (``tessera.core.submissions``). A form shown again after an error
    keeps its token: it is still the same form."""

    submission_token = forms.UUIDField(
        widget=forms.HiddenInput,
        initial=uuid.uuid4,
        error_messages={
            "required": "This form was sent without its form number: go back, reload the page and send it again",
            "invalid": "This form was sent without its form number: go back, reload the page and send it again",
        },
    )


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
        if not 1000 <= year <= 9999:
            raise ValidationError(f"{label} year must include 4 numbers", code="invalid")
        try:
            result = datetime.date(year, month, day)
        except (ValueError, OverflowError):
            # OverflowError: a day or month too big for the C integer datetime uses.
            raise ValidationError(f"{label} must be a real date", code="invalid") from None
        return result

    def validate(self, value: datetime.date | None) -> None:
        super().validate(value)
        if value and self.past_only and value > datetime.date.today():  # noqa: DTZ011 - a calendar date
            raise ValidationError(f"{self.label} must be today or in the past", code="future")
