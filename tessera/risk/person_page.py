"""What risk assessment adds to a person's page: the current level and when it was assessed, and any
reassessment due, for those who work on children's risk (two queries; none for anyone else)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from tessera.access.scope import scope_of
from tessera.accounts.models import Actor
from tessera.accounts.roles import CASEWORK_ROLES
from tessera.people.models import Person
from tessera.people.person_page import Alert, Headline, PersonPagePart, RecentEvent
from tessera.risk.instrument import level_label
from tessera.risk.selectors import open_tasks, same_child, visible_assessments
from tessera.risk.templatetags.risk_tags import level_tag

# Completed assessments the page lists among recent events.
RECENT_ASSESSMENTS = 3


def risk_summary(user: Actor, person: Person) -> PersonPagePart:
    if not scope_of(user).roles & CASEWORK_ROLES:
        return PersonPagePart()
    risk_page = reverse("risk:child_risk", kwargs={"pk": person.pk})
    completed = list(
        visible_assessments(user)
        .filter(same_child(person.pk))
        .exclude(final_level="")
        .select_related("completed_by", "assessor_agency")
        .order_by("-assessed_on", "-pk")[:RECENT_ASSESSMENTS]
    )
    if completed:
        latest = completed[0]
        by = f" by {latest.completed_by}" if latest.completed_by else ""
        agency = f", {latest.assessor_agency.name}" if latest.assessor_agency else ""
        headline = Headline(
            order=10,
            label="Risk of exploitation",
            value=level_label(latest.final_level, latest.harm_evident),
            detail=f"Assessed {latest.assessed_on:%-d %B %Y}{by}{agency}",
            url=risk_page,
            tag=level_tag(latest.final_level),
        )
    else:
        headline = Headline(
            order=10, label="Risk of exploitation", value="Not assessed", detail="", url=risk_page
        )
    today = timezone.localdate()
    alerts = []
    for task in open_tasks(user).filter(same_child(person.pk))[:3]:
        when = f"{task.due_on:%-d %B %Y}"
        text = (
            f"Risk reassessment overdue since {when}"
            if task.due_on < today
            else f"Risk reassessment due by {when}"
        )
        alerts.append(Alert(f"{text} ({task.get_reason_display()})", risk_page, "Open the risk page"))
    events = tuple(
        RecentEvent(
            on=a.assessed_on,
            what=f"Risk assessed: {level_label(a.final_level, a.harm_evident)}",
            agency=a.assessor_agency.name if a.assessor_agency else "",
            url=reverse("risk:assessment_detail", kwargs={"pk": a.pk}),
        )
        for a in completed
    )
    return PersonPagePart(
        headlines=(headline,),
        alerts=tuple(alerts),
        events=events,
        shown={"risk.riskassessment": [a.pk for a in completed]},
    )
