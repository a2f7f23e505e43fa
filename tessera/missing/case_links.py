"""Missing episodes on the case page: a Missing tab, chronology entries (reported, found, safe and well,
return interview, each disclosure, each pattern alert) and the case team's view of the child's episodes,
registered with the case app's extension points so cases never import missing."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from tessera.access.policy import visible_to
from tessera.accounts.models import Actor
from tessera.cases.models import Case
from tessera.cases.registry import CaseTab, ChronologyEntry, register_case_tab, register_chronology_source
from tessera.missing.models import Grade, MissingEpisode, PatternAlert, ReturnInterview

TAB_KEY = "missing"
KINDS = {
    "missing": "Missing episodes",
    "missing_return": "Returns and return interviews",
    "missing_alert": "Missing pattern alerts",
}


def missing_chronology(user: Actor, case: Case) -> Iterable[ChronologyEntry]:
    """The child's episodes, returns, interviews, disclosures and alerts the viewer may see (3 queries)."""
    if case.child_id is None:
        return []
    grades = dict(Grade.choices)
    entries: list[ChronologyEntry] = []
    episodes = list(
        visible_to(user, MissingEpisode)
        .filter(child_id=case.child_id)
        .values(
            "pk",
            "reference",
            "reported_at",
            "reported_by_name",
            "last_seen_where",
            "circumstances",
            "grade",
            "grade_reason",
            "supervisor_decision",
            "found_at",
            "found_account",
            "found_place__name",
            "found_place__address_line_1",
            "found_with_description",
            "safe_and_well_at",
            "safe_and_well_officer",
            "safe_and_well_notes",
            "opened_agency__name",
        )
    )
    pattern = reverse("missing:episode_detail", kwargs={"pk": 0}).replace("/0/", "/{}/")
    for row in episodes:
        href = pattern.format(row["pk"])
        facts = [
            ("Reference", row["reference"]),
            ("Police risk grade", grades.get(row["grade"], row["grade"])),
        ]
        if row["supervisor_decision"]:
            facts.append(("Supervisor's decision", row["supervisor_decision"]))
        agency = row["opened_agency__name"] or "Agency not recorded"
        entries.append(
            ChronologyEntry(
                at=row["reported_at"],
                kind="missing",
                title="Reported missing",
                agency=agency,
                by=row["reported_by_name"],
                detail=f"Last seen at {row['last_seen_where']}. {row['circumstances']}",
                href=href,
                facts=tuple(facts),
            )
        )
        if row["found_at"]:
            where = row["found_place__name"] or row["found_place__address_line_1"] or "Place not recorded"
            found_facts = [("Reference", row["reference"]), ("Where found", where)]
            if row["found_with_description"]:
                found_facts.append(("Who with", row["found_with_description"]))
            entries.append(
                ChronologyEntry(
                    at=row["found_at"],
                    kind="missing_return",
                    title="Found or returned",
                    agency=agency,
                    detail=row["found_account"],
                    href=href,
                    facts=tuple(found_facts),
                )
            )
        if row["safe_and_well_at"]:
            entries.append(
                ChronologyEntry(
                    at=row["safe_and_well_at"],
                    kind="missing_return",
                    title="Police safe and well check",
                    agency=agency,
                    by=row["safe_and_well_officer"],
                    detail=row["safe_and_well_notes"],
                    href=href,
                )
            )
    ids = [row["pk"] for row in episodes]
    references = {row["pk"]: row["reference"] for row in episodes}
    # The interviews and their disclosures in one query: one row per disclosure, or one for an interview
    # without any (the disclosure columns empty). Disclosures share the interview's visibility.
    interviews_seen: set[int] = set()
    for held in (
        visible_to(user, ReturnInterview)
        .filter(episode_id__in=ids)
        .values(
            "pk",
            "episode_id",
            "held_at",
            "interviewer",
            "interviewer_agency__name",
            "child_account",
            "disclosures__pk",
            "disclosures__what_was_said",
            "disclosures__action_id",
            "disclosures__referral__reference",
        )
        .order_by("pk", "disclosures__pk")
    ):
        href = pattern.format(held["episode_id"])
        reference = ("Reference", references[held["episode_id"]])
        agency = held["interviewer_agency__name"] or "Agency not recorded"
        if held["pk"] not in interviews_seen:
            interviews_seen.add(held["pk"])
            entries.append(
                ChronologyEntry(
                    at=held["held_at"],
                    kind="missing_return",
                    title="Return interview",
                    agency=agency,
                    by=held["interviewer"],
                    detail=held["child_account"],
                    href=href,
                    facts=(reference,),
                )
            )
        if held["disclosures__pk"] is None:
            continue
        became = (
            "An action for the case team"
            if held["disclosures__action_id"]
            else f"Concern {held['disclosures__referral__reference']} for triage"
        )
        entries.append(
            ChronologyEntry(
                at=held["held_at"],
                kind="missing_return",
                title="Disclosure in a return interview",
                agency=agency,
                detail=held["disclosures__what_was_said"],
                href=href,
                facts=(reference, ("Became", became)),
            )
        )
    for alert in (
        visible_to(user, PatternAlert)
        .filter(child_id=case.child_id)
        .values("episode_id", "raised_at", "kind", "detail", "episode__reference")
    ):
        entries.append(
            ChronologyEntry(
                at=alert["raised_at"],
                kind="missing_alert",
                title="Missing pattern alert",
                agency="Tessera (pattern rules)",
                detail=alert["detail"],
                href=pattern.format(alert["episode_id"]),
                facts=(("Reference", alert["episode__reference"]),),
            )
        )
    return entries


def connect() -> None:
    register_case_tab(CaseTab(TAB_KEY, "Missing", "missing:case_missing", 35))
    register_chronology_source(missing_chronology, KINDS)
