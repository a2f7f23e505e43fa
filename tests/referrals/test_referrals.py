"""Reporting a concern, search-before-create, triage decisions and what the referrer learns."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tessera.audit.models import AccessLog, AuditAction
from tessera.cases.models import Case, CaseStatus, Track
from tessera.core.models import District
from tessera.people.models import Person, SourceIdentity
from tessera.referrals.models import Decision, Referral
from tessera.referrals.signals import referral_received
from tests.conftest import make_person


def concern(**overrides):
    today = timezone.localdate()
    data = {
        "happening_now": "no",
        "subject_kind": "child",
        "given_name": "Kayleigh",
        "family_name": "Thornley",
        "date_of_birth_day": "14",
        "date_of_birth_month": "3",
        "date_of_birth_year": "2010",
        "district": str(District.objects.get(code="rotherham").pk),
        "warning_signs": ["cars_with_adults", "unexplained_gifts"],
        "what_was_seen": "Getting into a silver car with two men; new phone she would not explain.",
        "where": "Rotherham Interchange",
        "seen_on_day": str(today.day),
        "seen_on_month": str(today.month),
        "seen_on_year": str(today.year),
        "seen_time": "",
        "send": "1",
        "submission_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def test_checking_for_existing_records_shows_the_known_child_and_keeps_what_was_typed(
    client_for, rotherham_child
):
    officer = client_for("officer.rotherham")
    response = officer.post("/referrals/new/", {**concern(), "search": "1"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Kayleigh Thornley, born 14 March 2010" in body
    assert "There is a problem" not in body, "searching is not submitting"
    assert "new phone she would not explain" in body
    assert not Referral.objects.exists()


def test_a_known_child_must_be_chosen_or_ruled_out_before_sending(client_for, rotherham_child):
    officer = client_for("officer.rotherham")
    response = officer.post("/referrals/new/", concern())
    body = response.content.decode()
    assert "Select the child from the records found, or &#x27;None of these&#x27;" in body
    assert not Referral.objects.exists()
    response = officer.post("/referrals/new/", concern(match=str(rotherham_child.pk)))
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.child == rotherham_child
    assert Person.objects.count() == 1, "no duplicate person was created"
    sent = officer.get(response["Location"]).content.decode()
    assert referral.reference in sent


def test_a_child_not_yet_known_gets_a_record_with_where_it_came_from(client_for, cast):
    officer = client_for("officer.rotherham")
    response = officer.post("/referrals/new/", concern(given_name="Tianna", family_name="Oughtibridge"))
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.child is not None
    assert referral.child.full_name == "Tianna Oughtibridge"
    identity = SourceIdentity.objects.get(person=referral.child)
    assert identity.source_system == "Tessera referral"
    assert identity.source_record_id == referral.reference
    assert AccessLog.objects.filter(action=AuditAction.CREATE, target_type="referrals.referral").count() == 1


def test_people_the_reporter_cannot_see_are_not_offered(client_for, sheffield_child):
    officer = client_for("officer.rotherham")
    response = officer.post(
        "/referrals/new/", {**concern(given_name="Ellie", family_name="Cawthorne"), "search": "1"}
    )
    assert "Ellie Cawthorne, born" not in response.content.decode()
    assert "No child you can see matches these details" in response.content.decode()


def test_missing_answers_are_named_and_typed_text_kept(client_for, cast):
    officer = client_for("officer.rotherham")
    response = officer.post(
        "/referrals/new/",
        concern(given_name="", family_name="", what_was_seen="", seen_time="25:99", where="Clifton Park"),
    )
    body = response.content.decode()
    assert "Enter the child&#x27;s name, or describe them if you do not know it" in body
    assert "Enter what you saw or heard" in body
    assert "Time must be a real time on the 24-hour clock" in body
    assert 'value="Clifton Park"' in body
    assert "<title>Error:" in body


def test_referral_received_fires_once_the_referral_is_stored(
    client_for, cast, django_capture_on_commit_callbacks
):
    received = []

    def listener(sender, referral, child, **kwargs):
        received.append((referral.reference, child.full_name if child else None))

    referral_received.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            client_for("officer.rotherham").post("/referrals/new/", concern(family_name="Wentworth"))
    finally:
        referral_received.disconnect(listener)
    referral = Referral.objects.get()
    assert received == [(referral.reference, "Kayleigh Wentworth")]


def test_partner_reporter_gets_a_reference_and_can_read_nothing_back(client_for, cast, rotherham_child):
    hotel = client_for("hotel.sheffield")
    today = timezone.localdate()
    response = hotel.post(
        "/referrals/partner/",
        {
            "submission_token": str(uuid.uuid4()),
            "happening_now": "no",
            "who": "Two girls about 14 with a man in his 30s; he paid cash",
            "warning_signs": ["hotels_taxis_takeaways"],
            "what_was_seen": "Booked room 12 for one night, the girls went up with him at 23:10.",
            "where": "City Lodge, Sheffield, room 12",
            "seen_on_day": str(today.day),
            "seen_on_month": str(today.month),
            "seen_on_year": str(today.year),
            "seen_time": "",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.from_partner_scheme
    assert referral.district.code == "sheffield"
    assert referral.reference in hotel.get("/referrals/sent/").content.decode()
    # Nothing they sent, and nothing else, can be read back.
    for path in [
        f"/referrals/{referral.pk}/",
        "/referrals/mine/",
        "/referrals/triage/",
        "/referrals/new/",
        "/cases/",
        "/cases/actions/",
        f"/people/{rotherham_child.pk}/",
    ]:
        assert hotel.get(path).status_code in {403, 404}, path
    home = hotel.get("/").content.decode()
    assert 'href="/referrals/partner/"' in home, "their home offers the one thing they do"
    assert referral.reference not in home
    assert "City Lodge" not in home


def test_decision_records_who_and_why_opens_a_case_and_tells_the_referrer(client_for, cast, rotherham_child):
    client_for("officer.rotherham").post("/referrals/new/", concern(match=str(rotherham_child.pk)))
    referral = Referral.objects.get()
    team = client_for("cse.rotherham")
    response = team.post(
        f"/referrals/{referral.pk}/",
        {
            "decision": Decision.STRATEGY_DISCUSSION,
            "reason": "Cars with unknown adults and unexplained phone: significant indicators.",
            "lead_professional": str(cast["youthworker.rotherham"].pk),
            "version": str(referral.version),
            "case_about": "child",
            "case_child": str(rotherham_child.pk),
        },
    )
    case = Case.objects.get()
    assert response["Location"] == f"/cases/{case.pk}/"
    assert case.track == Track.CHILD_PROTECTION
    assert case.lead_professional == cast["youthworker.rotherham"]
    referral.refresh_from_db()
    assert referral.decided_by == cast["cse.rotherham"]
    assert referral.case == case
    mine = client_for("officer.rotherham").get("/referrals/mine/").content.decode()
    assert "Strategy discussion (section 47 concern)" in mine
    assert "Decided by Sam Okafor (South Yorkshire Police)" in mine
    home = client_for("officer.rotherham").get("/").content.decode()
    assert referral.reference in home


def test_a_second_referral_joins_the_childs_open_case(client_for, cast, rotherham_child):
    from tests.cases.world import rotherham_case_world

    world = rotherham_case_world(cast, child=rotherham_child)
    client_for("officer.rotherham").post("/referrals/new/", concern(match=str(rotherham_child.pk)))
    second = Referral.objects.exclude(pk=world.referral.pk).get()
    client_for("cse.rotherham").post(
        f"/referrals/{second.pk}/",
        {
            "decision": Decision.CHILD_IN_NEED,
            "reason": "Known to the team already",
            "version": "1",
            "case_about": "child",
            "case_child": str(rotherham_child.pk),
        },
    )
    second.refresh_from_db()
    assert second.case == world.case
    assert Case.objects.count() == 1


def test_a_late_decision_needs_its_reason(client_for, cast, rotherham_child):
    client_for("officer.rotherham").post("/referrals/new/", concern(match=str(rotherham_child.pk)))
    referral = Referral.objects.get()
    Referral.objects.filter(pk=referral.pk).update(decision_due_on=timezone.localdate() - timedelta(days=3))
    team = client_for("cse.rotherham")
    data = {
        "decision": Decision.NO_FURTHER_ACTION,
        "reason": "Seen with her uncle",
        "version": "1",
        "case_about": "child",
        "case_child": str(rotherham_child.pk),
    }
    body = team.post(f"/referrals/{referral.pk}/", data).content.decode()
    assert "say why it was late" in body
    assert "Seen with her uncle" in body
    referral.refresh_from_db()
    assert not referral.decision
    response = team.post(f"/referrals/{referral.pk}/", {**data, "late_reason": "Team at court all day"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.decision_late_reason == "Team at court all day"


def test_two_people_deciding_at_once_the_second_is_refused(client_for, cast, rotherham_child):
    client_for("officer.rotherham").post("/referrals/new/", concern(match=str(rotherham_child.pk)))
    referral = Referral.objects.get()
    data = {
        "decision": Decision.EARLY_HELP,
        "reason": "School can support",
        "version": "1",
        "case_about": "child",
        "case_child": str(rotherham_child.pk),
    }
    client_for("cse.rotherham").post(f"/referrals/{referral.pk}/", data)
    response = client_for("supervisor.rotherham").post(
        f"/referrals/{referral.pk}/",
        {**data, "decision": Decision.NO_FURTHER_ACTION, "reason": "Known to school, no concerns"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Your decision has not been saved" in body
    assert "Sam Okafor changed Decision" in body
    assert "Known to school, no concerns" in body, "what was typed is kept"
    referral.refresh_from_db()
    assert referral.decision == Decision.EARLY_HELP


def test_triage_queue_shows_the_clock_and_marks_overdue(client_for, cast, rotherham_child):
    client_for("officer.rotherham").post("/referrals/new/", concern(match=str(rotherham_child.pk)))
    Referral.objects.update(decision_due_on=timezone.localdate() - timedelta(days=7))
    body = client_for("cse.rotherham").get("/referrals/triage/").content.decode()
    assert 'data-module="moj-sortable-table"' in body
    assert "govuk-tag--red" in body
    assert "Overdue by" in body
    # Sheffield's team does not see a Rotherham referral.
    assert "Kayleigh Thornley" not in client_for("sw.sheffield").get("/referrals/triage/").content.decode()


def test_triage_filter_by_clock_and_district(client_for, cast, rotherham_child):
    client_for("officer.rotherham").post("/referrals/new/", concern(match=str(rotherham_child.pk)))
    team = client_for("cse.rotherham")
    assert "Kayleigh Thornley" in team.get("/referrals/triage/?clock=not_yet_due").content.decode()
    assert "Kayleigh Thornley" not in team.get("/referrals/triage/?clock=overdue").content.decode()
    assert "Kayleigh Thornley" not in team.get("/referrals/triage/?district=sheffield").content.decode()


@pytest.mark.parametrize("url", ["/referrals/triage/", "/cases/", "/cases/actions/", "/"])
@pytest.mark.usefixtures("scope_read_once_per_request")
def test_list_pages_cost_the_same_queries_for_more_rows(client_for, cast, url):
    from tests.cases.world import rotherham_case_world

    team = client_for("cse.rotherham")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert team.get(url).status_code == 200
        return len(queries)

    rotherham_case_world(cast, child=make_person("rotherham", given="Amy"))
    client_for("officer.rotherham").post("/referrals/new/", concern(family_name="Kirkby"))
    few = count()
    for n in range(4):
        rotherham_case_world(cast, child=make_person("rotherham", given=f"Child{n}", family="Dearne"))
        client_for("officer.rotherham").post("/referrals/new/", concern(family_name=f"Penistone{n}"))
    assert count() == few


def test_cases_closed_do_not_show_clocks_on_the_team_list(client_for, cast):
    from tests.cases.world import rotherham_case_world

    world = rotherham_case_world(cast)
    Case.objects.filter(pk=world.case.pk).update(status=CaseStatus.CLOSED, closed_at=timezone.now())
    body = client_for("cse.rotherham").get("/cases/?status=closed").content.decode()
    assert world.case.reference in body
    assert "No clock running" in body


def test_single_choices_are_radios_and_multiple_choices_checkboxes(client_for, cast):
    body = client_for("officer.rotherham").get("/referrals/new/").content.decode()
    assert 'class="govuk-radios" data-module="govuk-radios"' in body
    assert 'class="govuk-radios__input" type="radio" name="subject_kind"' in body
    assert 'class="govuk-checkboxes__input" type="checkbox" name="warning_signs"' in body


def test_each_existing_record_offered_says_which_details_agree_and_which_differ(client_for, rotherham_child):
    officer = client_for("officer.rotherham")
    # Known under a step-parent's surname: same first name and date of birth, another last name.
    body = officer.post(
        "/referrals/new/", {**concern(given_name="Kayleigh", family_name="Hallam"), "search": "1"}
    ).content.decode()
    assert "Kayleigh Thornley, born 14 March 2010" in body
    assert "Agrees: First name, Date of birth" in body
    assert "Differs: Last name." in body
