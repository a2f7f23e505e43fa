"""Template tags for statutory clocks: a GOV.UK tag saying where the clock stands today."""

from __future__ import annotations

import html

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from tessera.cases.registry import ChronologyEntry
from tessera.cases.timescales import Clock
from tessera.ui.templatetags.govuk import tag_class

register = template.Library()


@register.simple_tag
def clock_tag(clock: Clock | None) -> SafeString:
    if clock is None:
        return format_html(
            '<strong class="govuk-tag {}">{}</strong>', tag_class("neutral"), "No clock running"
        )
    today = timezone.localdate()
    now = timezone.localtime()
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>', tag_class(clock.tag(today, now)), clock.label(today, now)
    )


def escape(value: object) -> str:
    """What Django's ``escape`` gives (``html.escape`` of the text, quotes included), without its lazy-text
    wrapper: a 500-entry chronology escapes some 5,000 values, and the wrapper cost more than the escaping."""
    return html.escape(str(value))


def _lines(text: str) -> str:
    """Escaped text with its line breaks kept (what the linebreaksbr filter does)."""
    return escape(text).replace("\r\n", "\n").replace("\n", "<br>")


@register.simple_tag
def chronology_timeline(entries: list[ChronologyEntry]) -> SafeString:
    """The MoJ timeline for the chronology, built in Python.

    A chronology can hold hundreds of entries; rendering each through template nodes cost more than
    every query on the page together. Every value is escaped here, as the template would.
    """
    parts = ['<div class="moj-timeline">']
    for entry in entries:
        by = f", {escape(entry.by)}" if entry.by else ""
        parts.append(
            '<div class="moj-timeline__item"><div class="moj-timeline__header">'
            f'<h2 class="moj-timeline__title">{escape(entry.title)}</h2> '
            f'<p class="moj-timeline__byline">{escape(entry.agency)}{by}</p></div>'
            f'<p class="moj-timeline__date"><time datetime="{escape(entry.when_iso)}">{escape(entry.when)}</time></p>'
            '<div class="moj-timeline__description">'
        )
        if entry.detail:
            parts.append(f'<p class="govuk-body">{_lines(entry.detail)}</p>')
        if entry.facts:
            facts = "".join(f"<li>{escape(label)}: {escape(value)}</li>" for label, value in entry.facts)
            parts.append(f'<ul class="govuk-list">{facts}</ul>')
        if entry.href:
            parts.append(
                f'<a class="govuk-link" href="{escape(entry.href)}">Open'
                f'<span class="govuk-visually-hidden"> {escape(entry.title)}</span></a>'
            )
        parts.append("</div></div>")
    parts.append("</div>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
