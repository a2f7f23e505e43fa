"""Override analytics and instrument pages, through the web as managers use them."""

from __future__ import annotations

from tessera.risk.instrument import Level
from tessera.risk.models import InstrumentVersion, VersionStatus
from tests.conftest import make_person, verified_client
from tests.risk.world import assess, complete


def test_override_analytics_count_direction_by_district_version_agency_and_role(
    client_for, cast, rotherham_child, version
):
    officer, youth = cast["cse.rotherham"], cast["youthworker.rotherham"]
    complete(
        officer,
        assess(officer, rotherham_child, [("staying_out_late", 5)]),
        Level.MODERATE,
        "Known to the team",
    )
    complete(youth, assess(youth, make_person("rotherham", given="Zara"), [("staying_out_late", 5)]))
    page = client_for("commissioner").get("/risk/overrides/").content.decode()
    assert "By district" in page
    assert "By instrument version" in page
    assert "By agency of the assessor" in page
    assert "By role of the assessor" in page
    assert "Rotherham" in page
    assert "Version 1" in page
    assert "South Yorkshire Police" in page
    assert "CSE team member" in page
    assert "1 (50.0%)" in page  # one of two raised
    assert "Kayleigh" not in page
    assert "Zara" not in page
    assert "Okafor" not in page


def test_a_manager_drafts_a_version_and_another_approves_it_through_the_pages(cast, version, supervisor2):
    drafter = verified_client(cast["supervisor.rotherham"])
    form = drafter.get("/risk/instrument/draft/")
    assert form.status_code == 200
    data = dict(form.context["form"].initial.items())
    data.update(
        title="Stronger significant indicators", change_summary="Significant indicators under-weighted"
    )
    data["missing_overnight__current"] = 8
    response = drafter.post("/risk/instrument/draft/", data)
    assert response.status_code == 302
    draft = InstrumentVersion.objects.get(number=2)
    assert draft.instrument.indicator("missing_overnight").current == 8

    refused = drafter.post("/risk/instrument/2/decide/", {"decision": "approve", "note": "Mine"})
    assert "you drafted this version, so you cannot approve it" in refused.content.decode()
    approver = verified_client(supervisor2)
    assert (
        approver.post("/risk/instrument/2/decide/", {"decision": "approve", "note": "Agreed"}).status_code
        == 302
    )
    draft.refresh_from_db()
    assert draft.status == VersionStatus.IN_FORCE


def test_a_draft_with_older_points_above_current_ones_is_refused_with_the_input_kept(cast, version):
    drafter = verified_client(cast["supervisor.rotherham"])
    data = dict(drafter.get("/risk/instrument/draft/").context["form"].initial.items())
    data.update(title="Backwards", change_summary="Testing", missing_overnight__older=9)
    page = drafter.post("/risk/instrument/draft/", data).content.decode()
    assert "must not score more 6 to 12 months ago than in the last 6 months" in page
    assert 'value="9"' in page
    assert InstrumentVersion.objects.count() == 1
