"""Template helpers for GOV.UK components that need more than markup."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.core.exceptions import NON_FIELD_ERRORS

register = template.Library()


@register.inclusion_tag("ui/includes/error_summary.html")
def error_summary(*forms_: forms.BaseForm | None, extra: list[str] | None = None) -> dict[str, Any]:
    """Every error of the given forms, each linked to the field it belongs to."""
    items: list[dict[str, str]] = []
    for extra_message in extra or []:
        items.append({"text": extra_message, "href": ""})
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        for error in form.non_field_errors():
            items.append({"text": str(error), "href": ""})
        for name in form.errors:
            if name == NON_FIELD_ERRORS or name not in form.fields:
                continue
            bound = form[name]
            target = getattr(bound, "error_target", bound.auto_id)
            for message in bound.errors:
                items.append({"text": str(message), "href": f"#{target}"})
    return {"error_items": items}


_TAG_COLOURS = {
    "overdue": "govuk-tag--red",
    "due": "govuk-tag--yellow",
    "ok": "govuk-tag--green",
    "neutral": "govuk-tag--grey",
}


@register.simple_tag
def tag_class(kind: str) -> str:
    return _TAG_COLOURS.get(kind, "govuk-tag--grey")
