"""Template tags for statutory clocks: a GOV.UK tag saying where the clock stands today."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from tessera.cases.timescales import Clock
from tessera.web.templatetags.govuk import tag_class

register = template.Library()


@register.simple_tag
def clock_tag(clock: Clock | None) -> SafeString:
    if clock is None:
        return format_html(
            '<strong class="govuk-tag {}">{}</strong>', tag_class("neutral"), "No clock running"
        )
    today = timezone.localdate()
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>', tag_class(clock.tag(today)), clock.label(today)
    )
