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


# The calibration page -----------------------------------------------------------------------------------


def _finished_study(cast, version, *, minimum: int = 20):
    """A study of a synthetic world whose ceiling is below the target, stored as the job stores it."""
    from datetime import date

    from tessera.risk.calibration import StudySettings, report_to_json, run_study
    from tessera.risk.instrument import to_json
    from tessera.risk.models import CalibrationStudy, StudyStatus
    from tessera.synth.risk_world import ERROR_MODELS, generate_world, world_records

    model = ERROR_MODELS["hidden_status"]
    end = date(2024, 12, 31)
    world = generate_world(model, 1500, seed=3, start=date(2019, 1, 1), end=end)
    records = world_records(world, model, version.instrument, data_end=end, seed=3)
    report = run_study(
        version.instrument, records, as_of=end, settings=StudySettings(min_harmed_children=minimum, draws=200)
    )
    proposed = report.candidate(report.proposed_key)
    return report, CalibrationStudy.objects.create(
        instrument_version=version,
        started_by=cast["supervisor.rotherham"],
        status=StudyStatus.FINISHED,
        report=report_to_json(report),
        proposed_definition=to_json(proposed.definition) if proposed.key != "current" else {},
        synthetic_outcomes=True,
    )


def test_calibration_page_says_plainly_the_target_is_not_met_and_by_how_much(client_for, cast, version):
    import re

    report, study = _finished_study(cast, version)
    assert not report.target_met
    page = client_for("commissioner").get(f"/risk/calibration/{study.pk}/").content.decode()
    verdict = page[page.index('id="verdict"') : page.index('<h2 class="govuk-heading-m">Findings')]
    assert "Target not met" in verdict
    assert f"not met, by {report.shortfall_points:.1f} points" in verdict
    for heading in ("Decision curve", "Calibration curve", "Fairness and calibration by group"):
        assert heading in page
    for group in ("District: Doncaster", "Care status: In care", "Age band: Under 13", "Sex: Female"):
        assert group in page
    # No figure without its interval: every percentage in the figure tables is followed by one.
    tables = re.findall(r"<table.*?</table>", page, flags=re.S)
    assert len(tables) >= 5
    for table in tables:
        for cell in re.findall(r'<td class="govuk-table__cell[^"]*">(.*?)</td>', table, flags=re.S):
            if "%" in cell:
                assert re.fullmatch(
                    r"(\d+ of \d+: )?\d+\.\d% \(\d+\.\d–\d+\.\d%\)|no figure", cell.strip()
                ), cell


def test_a_proposal_from_the_study_is_drafted_for_a_second_manager(client_for, cast, version):
    from tessera.risk.models import VersionOrigin

    report, study = _finished_study(cast, version)
    assert report.proposed_key != "current"
    supervisor = verified_client(cast["supervisor.rotherham"])
    assert supervisor.post(f"/risk/calibration/{study.pk}/propose/").status_code == 302
    drafted = InstrumentVersion.objects.get(study=study)
    assert drafted.origin == VersionOrigin.CALIBRATION
    assert drafted.status == VersionStatus.DRAFT
