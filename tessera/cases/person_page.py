"""What case work adds to a person's page: the child's open case and its lead professional, and when
their cases opened and closed, as far as the viewer may see them (one query)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from tessera.access.policy import visible_to
from tessera.accounts.models import Actor
from tessera.cases.models import Case
from tessera.people.models import Person
from tessera.people.person_page import Headline, PersonPagePart, RecentEvent


def _pattern() -> str:
    return reverse("cases:case_detail", kwargs={"pk": 0}).replace("/0/", "/{}/")


def open_case_and_steps(user: Actor, person: Person) -> PersonPagePart:
    """The child's open cases as headlines, and every case's opening and closing as events (one query)."""
    cases = list(
        visible_to(user, Case)
        .filter(child_id=person.pk)
        .select_related("lead_professional__agency")
        .order_by("-opened_at")
    )
    pattern = _pattern()
    headlines = []
    events = []
    for case in cases:
        url = pattern.format(case.pk)
        lead = case.lead_professional
        agency = lead.agency.name if lead.agency else ""
        events.append(
            RecentEvent(timezone.localdate(case.opened_at), f"Case {case.reference} opened", agency, url)
        )
        if case.closed_at is not None:
            outcome = f": {case.get_outcome_display()}" if case.outcome else ""
            events.append(
                RecentEvent(
                    timezone.localdate(case.closed_at), f"Case {case.reference} closed{outcome}", "", url
                )
            )
            continue
        headlines.append(
            Headline(
                order=20,
                label="Open case",
                value=f"{case.reference}: {case.get_track_display()}",
                detail=f"Lead professional {lead}{f', {agency}' if agency else ''}; "
                f"opened {timezone.localdate(case.opened_at):%-d %B %Y}",
                url=url,
            )
        )
    if not headlines:
        headlines.append(Headline(order=20, label="Open case", value="None you can see"))
    return PersonPagePart(
        headlines=tuple(headlines), events=tuple(events), shown={"cases.case": [case.pk for case in cases]}
    )
