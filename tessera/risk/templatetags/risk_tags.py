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
    if not isinstance(value, int | float) or value != value:  # NaN or null: no cases to divide by
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


def _is_figure(value: Any) -> bool:
    """A stored figure with its interval; a share of nobody is stored as null and is no figure."""
    return (
        isinstance(value, dict)
        and {"value", "low", "high"} <= value.keys()
        and all(isinstance(value[k], int | float) and value[k] == value[k] for k in ("value", "low", "high"))
    )


@register.filter
def interval(value: Any) -> str:
    """A share with its 95% interval: "57.3% (50.1 to 64.0%)" written with an en dash. A figure is never shown without it."""
    if not _is_figure(value):
        return "no figure"
    return f"{100 * value['value']:.1f}% ({100 * value['low']:.1f}–{100 * value['high']:.1f}%)"


@register.filter
def interval_number(value: Any) -> str:
    """A number (an AUC, a Brier score) with its 95% interval: "0.812 (0.773 to 0.847)" written with an en dash."""
    if not _is_figure(value):
        return "no figure"
    return f"{value['value']:.3f} ({value['low']:.3f}–{value['high']:.3f})"


@register.filter
def interval_points(value: Any) -> str:
    """A difference in percentage points with its interval: "+2.1 (-0.4 to +4.6) points"."""
    if not _is_figure(value):
        return "no figure"
    return f"{100 * value['value']:+.1f} ({100 * value['low']:+.1f} to {100 * value['high']:+.1f}) points"


@register.filter
def per_hundred(value: Any) -> str:
    """Net benefit per 100 assessments with its interval: "3.1 (2.4 to 3.9)"."""
    if not _is_figure(value):
        return "no figure"
    return f"{100 * value['value']:.1f} ({100 * value['low']:.1f} to {100 * value['high']:.1f})"
