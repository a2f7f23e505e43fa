"""Template helpers for risk levels."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html

from tessera.access.scope import scope_of
from tessera.accounts.roles import CASEWORK_ROLES
from tessera.risk.instrument import Level, level_label

register = template.Library()

_TAG_CLASSES = {
    Level.NOT_AT_RISK: "govuk-tag--grey",
    Level.MILD: "govuk-tag--yellow",
    Level.MODERATE: "govuk-tag--orange",
    Level.SIGNIFICANT: "govuk-tag--red",
}


@register.filter
def level_tag(level: str) -> str:
    return _TAG_CLASSES.get(Level(level), "govuk-tag--grey") if level else "govuk-tag--grey"


@register.simple_tag
def level_text(level: str, harm_evident: bool = False) -> str:
    return level_label(level, harm_evident) if level else "Not yet decided"


@register.filter
def percent(value: float | None) -> str:
    if value is None or value != value:  # NaN: no cases to divide by
        return "–"
    return f"{100 * value:.1f}%"


@register.simple_tag(takes_context=True)
def risk_page_link(context: dict[str, Any], person: Any) -> str:
    """A link from a person's page to their risk page, for those who work on children's risk."""
    request = context.get("request")
    if request is None or not scope_of(request.user).roles & CASEWORK_ROLES:
        return ""
    return format_html(
        '<p class="govuk-body"><a class="govuk-link" href="{}">Exploitation risk assessments</a></p>',
        reverse("risk:child_risk", kwargs={"pk": person.pk}),
    )
