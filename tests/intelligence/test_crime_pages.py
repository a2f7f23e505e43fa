"""The crime pages (issue 18 item 3) and withdrawing a release: through the pages, as the cast."""

from __future__ import annotations

import pytest

from tessera.audit.models import AccessLog, AuditAction
from tessera.intelligence.models import Crime, CrimeSuspect, PartnerRelease
from tests.conftest import make_person
from tests.intelligence.world import build_intel_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast, sheffield_child):
    return build_intel_world(cast, sheffield_child)


def _record(client, world, **overrides):
    data = {
        "offence": "Sexual activity with a child",
        "committed_on_day": "4",
        "committed_on_month": "10",
        "committed_on_year": "2025",
        "place": "",
        "exploitation_flag": "cse",
        "flag_basis": ["under_18", "imbalance_of_power", "sexual_activity", "exchange"],
        **overrides,
    }
    return client.post(f"/intelligence/crimes/new/?victim={world.child.pk}", data)


def _suspect(crime, person, version, **overrides):
    return {
        "version": str(version),
        "person": str(person.pk),
        "age": "34",
        "sex": "male",
        "ethnicity": "not_stated",
        "ethnicity_not_known_reason": "Declined to say at interview",
        "nationality": "British",
        **overrides,
    }


def test_the_analyst_records_a_flagged_crime_from_the_report_page(world, client_for):
    analyst = client_for("analyst")
    report_page = analyst.get(f"/intelligence/reports/{world.reports[0].pk}/").content.decode()
    assert f"/intelligence/crimes/new/?victim={world.child.pk}" in report_page
    form = analyst.get(f"/intelligence/crimes/new/?victim={world.child.pk}")
    assert form.status_code == 200
    response = _record(analyst, world)
    crime = Crime.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/intelligence/crimes/{crime.pk}/"
    assert crime.exploitation_flag == "cse"
    assert crime.victim == world.child
    assert crime.flag_basis == ["exchange", "imbalance_of_power", "sexual_activity", "under_18"]
    page = analyst.get(f"/intelligence/crimes/{crime.pk}/").content.decode()
    assert "Child sexual exploitation" in page
    assert "In exchange for something" in page
    assert AccessLog.objects.filter(
        action=AuditAction.CREATE, target_type="intelligence.crime", target_id=str(crime.pk)
    ).exists()
    assert AccessLog.objects.filter(
        action=AuditAction.VIEW, target_type="intelligence.crime", target_id=str(crime.pk)
    ).exists()


def test_a_basis_short_of_the_definition_is_refused_and_the_form_keeps_what_was_typed(world, client_for):
    analyst = client_for("analyst")
    response = _record(
        analyst, world, offence="Possession with intent to supply", flag_basis=["under_18", "exchange"]
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "The definition also needs" in text
    assert 'value="Possession with intent to supply"' in text
    assert not Crime.objects.exists()


def test_criminal_activity_under_the_sexual_flag_is_refused_cse_and_cce_kept_apart(world, client_for):
    analyst = client_for("analyst")
    response = _record(
        analyst,
        world,
        flag_basis=["under_18", "imbalance_of_power", "criminal_activity", "advantage"],
    )
    assert "flag that instead" in response.content.decode()
    response = _record(
        analyst,
        world,
        exploitation_flag="cce",
        flag_basis=["under_18", "imbalance_of_power", "criminal_activity", "violence"],
    )
    assert response.status_code == 302
    assert Crime.objects.get().exploitation_flag == "cce"


def test_a_suspect_with_not_known_needs_a_reason_and_two_suspects_make_it_group_based(
    world, client_for, cast
):
    analyst = client_for("analyst")
    _record(analyst, world)
    crime = Crime.objects.get()
    # A second man named in a report about the child, so offered as a suspect.
    from tessera.intelligence.services import add_subject, record_named_person

    other = record_named_person(cast["analyst"], world.reports[2], name="Jay Beck")
    add_subject(cast["analyst"], world.reports[2], thing=world.child)
    url = f"/intelligence/crimes/{crime.pk}/suspects/"
    missing_reason = _suspect(crime, world.suspect, crime.version, ethnicity_not_known_reason="")
    response = analyst.post(url, missing_reason)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Say why the suspect&#x27;s ethnicity is not known" in text
    assert 'value="British"' in text  # what was typed is kept
    assert not CrimeSuspect.objects.exists()

    assert analyst.post(url, _suspect(crime, world.suspect, crime.version)).status_code == 302
    crime.refresh_from_db()
    assert not crime.group_based
    assert (
        analyst.post(
            url, _suspect(crime, other, crime.version, age="", age_not_known_reason="Not seen")
        ).status_code
        == 302
    )
    crime.refresh_from_db()
    assert crime.group_based
    assert "2 suspects" in crime.group_based_why
    page = analyst.get(f"/intelligence/crimes/{crime.pk}/").content.decode()
    assert "Group-based" in page
    assert "Not known: Not seen" in page
    assert "Declined to say" in page


def test_a_stale_save_is_refused_and_keeps_what_was_typed(world, client_for):
    analyst = client_for("analyst")
    _record(analyst, world)
    crime = Crime.objects.get()
    opened_at = crime.version
    url = f"/intelligence/crimes/{crime.pk}/change/"
    base = {
        "version": str(opened_at),
        "committed_on_day": "4",
        "committed_on_month": "10",
        "committed_on_year": "2025",
        "place": "",
        "exploitation_flag": "cse",
        "flag_basis": ["under_18", "imbalance_of_power", "sexual_activity", "exchange"],
    }
    assert analyst.post(url, {**base, "offence": "Rape of a child under 13"}).status_code == 302
    crime.refresh_from_db()
    assert crime.offence == "Rape of a child under 13"
    assert crime.version == opened_at + 1
    stale = analyst.post(url, {**base, "offence": "Sexual assault of a child"})
    assert stale.status_code == 200
    text = stale.content.decode()
    assert "Your change has not been saved" in text
    assert 'value="Sexual assault of a child"' in text
    crime.refresh_from_db()
    assert crime.offence == "Rape of a child under 13"


@pytest.mark.parametrize(
    "outsider", ["sw.sheffield", "hotel.sheffield", "officer.rotherham", "mpc.doncaster"]
)
def test_an_outsider_gets_404_on_a_crime(world, client_for, outsider):
    analyst = client_for("analyst")
    _record(analyst, world)
    crime = Crime.objects.get()
    client = client_for(outsider)
    assert client.get(f"/intelligence/crimes/{crime.pk}/").status_code == 404
    assert client.post(f"/intelligence/crimes/{crime.pk}/change/", {}).status_code == 404
    assert client.post(f"/intelligence/crimes/{crime.pk}/suspects/", {}).status_code == 404


def test_a_victim_the_user_may_not_see_is_404(client_for, cast):
    hidden = make_person("rotherham")
    hidden.known_only_from_intelligence = True
    hidden.save()
    # A child known only from intelligence is a victim only those who see intelligence may choose.
    assert client_for("cse.rotherham").get(f"/intelligence/crimes/new/?victim={hidden.pk}").status_code == 200
    assert client_for("analyst").get("/intelligence/crimes/new/?victim=999999").status_code == 404


def test_withdrawing_a_release_records_the_reason_and_partners_lose_sight_at_once(world, client_for):
    analyst = client_for("analyst")
    social_worker = client_for("sw.sheffield")
    release = world.release
    assert social_worker.get(f"/intelligence/releases/{release.pk}/").status_code == 200
    assert social_worker.get(f"/people/{world.suspect.pk}/").status_code == 200
    page = analyst.get(f"/intelligence/releases/{release.pk}/").content.decode()
    assert f"/intelligence/releases/{release.pk}/withdraw/" in page
    # Social workers read releases but do not withdraw them.
    assert social_worker.get(f"/intelligence/releases/{release.pk}/withdraw/").status_code == 403
    empty = analyst.post(f"/intelligence/releases/{release.pk}/withdraw/", {"reason": ""})
    assert empty.status_code == 200
    assert "Enter why the release is withdrawn" in empty.content.decode()
    done = analyst.post(
        f"/intelligence/releases/{release.pk}/withdraw/", {"reason": "The source has been compromised."}
    )
    assert done.status_code == 302
    release.refresh_from_db()
    assert release.withdrawn_at is not None
    assert release.withdrawn_reason == "The source has been compromised."
    assert social_worker.get(f"/intelligence/releases/{release.pk}/").status_code == 404
    # The reports released with the package are their own releases; the package's withdrawal is recorded.
    assert AccessLog.objects.filter(
        action=AuditAction.CHANGE, target_type="intelligence.partnerrelease", target_id=str(release.pk)
    ).exists()
    assert PartnerRelease.objects.filter(pk=release.pk, withdrawn_by__username="analyst").exists()
    again = analyst.post(f"/intelligence/releases/{release.pk}/withdraw/", {"reason": "again"})
    assert again.status_code == 200
    assert "Only a release that stands" in again.content.decode()
