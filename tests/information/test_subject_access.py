"""A subject access pack: everything held about a person, each redaction with its reason, the export
logged (issue 17, build 6)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from tessera.audit.models import AccessLog, AuditAction
from tessera.information.models import SubjectAccessRequest
from tessera.information.pack import (
    POLICE_INTELLIGENCE,
    STAFF_IN_LOG,
    THIRD_PARTY,
    redact_link,
    redact_referral,
)
from tests.information.world import information_world


@pytest.fixture
def world(cast):
    return information_world(cast)


def _pack(client, person):
    response = client.post(
        f"/information-rights/people/{person.pk}/subject-access/",
        {
            "requester": "Kayleigh Thornley, in person",
            "identity_checked": "Passport and a utility bill seen at Rotherham front counter",
            "received_on_day": "1",
            "received_on_month": "12",
            "received_on_year": "2026",
        },
    )
    assert response.status_code == 302
    sar = SubjectAccessRequest.objects.get(person=person)
    download = client.get(f"/information-rights/requests/{sar.pk}/pack.zip")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    assert sorted(archive.namelist()) == ["subject-access-pack.json", "subject-access-pack.pdf"]
    assert archive.read("subject-access-pack.pdf").startswith(b"%PDF")
    return sar, json.loads(archive.read("subject-access-pack.json"))


def _section(pack, title):
    return next(section for section in pack["sections"] if section["title"] == title)


def test_the_pack_holds_everything_about_the_person(world, client_for):
    client_for("cse.rotherham").get(f"/people/{world.child.pk}/")  # someone looked: it is in the pack
    _sar, pack = _pack(client_for("dpo"), world.child)
    assert _section(pack, "Person")["rows"][0]["name"] == "Kayleigh Thornley"
    assert (
        "Police (Niche RMS, record T-" in _section(pack, "What each agency's system says")["rows"][0]["from"]
    )
    assert _section(pack, "Concerns reported (referrals)")["rows"][0]["reference"] == world.referral.reference
    assert _section(pack, "Cases")["rows"][0]["reference"] == world.case.reference
    assert _section(pack, "Actions")["rows"][0]["what needs doing"] == world.action.description
    assert len(_section(pack, "Risk assessments")["rows"]) == 1
    viewed = _section(pack, "Who has opened or shown this record")["rows"]
    assert any(row["what"] == "Viewed" and row["agency"] for row in viewed)


def test_police_intelligence_and_third_parties_are_redacted_each_with_its_reason(world, client_for):
    client_for("cse.rotherham").get(f"/people/{world.child.pk}/")
    _sar, pack = _pack(client_for("dpo"), world.child)
    text = json.dumps(pack["sections"])
    assert "Coldwell" not in text, "the suspected exploiter from intelligence is not in the pack"
    assert "Marr" not in text, "the friend, a third party, is not named"
    links = _section(pack, "Links to people, places and things")["rows"]
    assert [row["kind"] for row in links] == ["Associate"]
    assert links[0]["with"] == "[withheld]"
    reasons = {r["reason"] for r in pack["redactions"]}
    assert {POLICE_INTELLIGENCE, THIRD_PARTY, STAFF_IN_LOG} <= reasons
    assert all(
        row["who"] == "[withheld]" for row in _section(pack, "Who has opened or shown this record")["rows"]
    )


def test_the_export_is_logged_with_what_the_pack_held(world, client_for):
    sar, pack = _pack(client_for("dpo"), world.child)
    entry = AccessLog.objects.get(action=AuditAction.EXPORT, target_id=str(world.child.pk))
    assert entry.actor_username == "dpo"
    assert entry.details["subject_access_request"] == sar.pk
    assert entry.details["redactions"] == len(pack["redactions"])
    assert AccessLog.objects.filter(
        action=AuditAction.CREATE, target_type="information.subjectaccessrequest"
    ).exists()


def test_nobody_else_can_download_a_pack(world, client_for):
    sar, _pack_data = _pack(client_for("dpo"), world.child)
    for username in ("cse.rotherham", "supervisor.rotherham", "sysadmin"):
        assert client_for(username).get(f"/information-rights/requests/{sar.pk}/pack.zip").status_code == 403


def test_finding_the_person_by_family_name_and_date_of_birth(world, client_for):
    page = (
        client_for("dpo")
        .get(
            "/information-rights/",
            {
                "family_name": "thornley",
                "date_of_birth_day": "14",
                "date_of_birth_month": "3",
                "date_of_birth_year": "2010",
            },
        )
        .content.decode()
    )
    assert f'href="/information-rights/people/{world.child.pk}/"' in page
    assert AccessLog.objects.filter(action=AuditAction.SEARCH, details__purpose="subject access").exists()


def test_redaction_rules():
    row = {"kind": "Associate", "with": "Person"}
    assert redact_link(row, intelligence=True, other_is_person=True) == (
        None,
        [("a link recorded from police intelligence", POLICE_INTELLIGENCE)],
    )
    shown, reasons = redact_link(row, intelligence=False, other_is_person=True)
    assert shown == {"kind": "Associate", "with": "[withheld]"}
    assert reasons == [("the other person's name", THIRD_PARTY)]
    assert redact_link(row, intelligence=False, other_is_person=False) == (row, [])
    assert redact_referral({"reported by": "Jo"}, from_partner_scheme=True)[0] == {
        "reported by": "[withheld]"
    }
    assert redact_referral({"reported by": "Dan"}, from_partner_scheme=False) == ({"reported by": "Dan"}, [])
