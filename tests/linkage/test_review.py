"""Linkage in the application: runs merge people, uncertain pairs wait for a person, decisions are kept
as labels, merges and unmerges are audited and reversible, and search before create shows candidates."""

from datetime import date

import pytest

from tessera.access.models import RestrictedRecord
from tessera.access.policy import visible_to
from tessera.audit.models import AccessLog, AuditAction
from tessera.jobs.queue import run_pending
from tessera.linkage.models import LinkageModel, LinkageRun, MatchLabel, PairStatus, ReviewPair, RunStatus
from tessera.linkage.review_words import NOT_YOURS_TO_MERGE
from tessera.linkage.search import candidates_for
from tessera.linkage.services import start_run
from tessera.people.models import Person, PersonMerge, SourceIdentity
from tests.conftest import make_person
from tests.linkage.world import load


@pytest.fixture
def linked_world(cast):
    truth = load(150)
    run = start_run(cast["analyst"], retrain=True)
    assert run_pending() == 1
    run.refresh_from_db()
    return truth, run


def test_a_run_trains_a_versioned_model_merges_confident_pairs_and_queues_uncertain_ones(linked_world):
    truth, run = linked_world
    model = LinkageModel.objects.get(is_active=True)
    assert (model.version, run.model_id) == (1, model.pk)
    assert model.parameters["comparisons"]
    assert model.weights["comparisons"]
    assert run.merges_made > 0
    assert run.merges_made == PersonMerge.objects.count()
    # Every automatic merge joined records of one true person (precision of automatic links).
    for identity in SourceIdentity.objects.all():
        others = SourceIdentity.objects.filter(person_id=identity.person_id)
        assert {truth[o.pk] for o in others} == {truth[identity.pk]}
    # The people app's merge logs COMBINE against both people, with the run and model in the reason.
    automatic = AccessLog.objects.filter(
        action=AuditAction.COMBINE, reason__startswith=f"Linked automatically by linkage run {run.pk}"
    )
    assert automatic.count() == 2 * run.merges_made
    for pair in ReviewPair.objects.all():
        assert pair.match_probability < model.auto_link_threshold or pair.held_back_because
        assert pair.left.person_id != pair.right.person_id, "nothing in the review band was merged"


def test_deciding_same_person_merges_with_an_audited_combine_and_keeps_the_label(linked_world, client_for):
    pair = ReviewPair.objects.filter(status=PairStatus.WAITING).first()
    assert pair is not None, "the seeded world always leaves uncertain pairs for review"
    client = client_for("cse.rotherham")
    page = client.get(f"/linkage/review/{pair.pk}/").content.decode()
    assert "Do they agree?" in page
    assert "Agrees" in page or "Differs" in page
    response = client.post(
        f"/linkage/review/{pair.pk}/", {"decision": "same", "reason": "Same school and GP"}
    )
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == PairStatus.LINKED
    assert pair.left.person_id == pair.right.person_id
    label = MatchLabel.objects.get()
    assert (label.is_match, label.reason, label.decided_by.username) == (
        True,
        "Same school and GP",
        "cse.rotherham",
    )
    assert AccessLog.objects.filter(action=AuditAction.COMBINE, reason="Same school and GP").exists()


def test_undoing_a_link_unmerges_audits_and_stops_the_next_run_merging_again(linked_world, client_for, cast):
    merge = PersonMerge.objects.first()
    assert merge is not None
    client = client_for("cse.rotherham")
    response = client.post(
        f"/linkage/merges/{merge.pk}/undo/", {"reason": "Different children: checked with school"}
    )
    assert response.status_code == 302
    merge.refresh_from_db()
    assert merge.undone_at is not None
    absorbed = Person.objects.get(pk=merge.absorbed_id)
    assert absorbed.merged_into_id is None
    assert set(absorbed.identities.values_list("pk", flat=True)) == set(merge.moved_identity_ids)
    assert AccessLog.objects.filter(action=AuditAction.SEPARATE).count() == 2, "both people are logged"
    assert MatchLabel.objects.filter(is_match=False).exists()
    # Retraining keeps every decision, and the next run does not re-merge what a person separated.
    labels_before = set(MatchLabel.objects.values_list("pk", flat=True))
    start_run(cast["analyst"], retrain=True)
    run_pending()
    assert LinkageModel.objects.get(is_active=True).version == 2
    assert set(MatchLabel.objects.values_list("pk", flat=True)) == labels_before
    moved = SourceIdentity.objects.filter(pk__in=merge.moved_identity_ids).first()
    assert moved is not None
    assert moved.person_id == absorbed.pk, "the separated records stay apart"
    assert LinkageModel.objects.get(version=2).evaluation["labels"] >= 1


def test_search_before_create_shows_candidates_with_agreeing_and_differing_fields(linked_world, client_for):
    identity = SourceIdentity.objects.exclude(date_of_birth=None).exclude(addresses=None).first()
    assert identity is not None
    dob = identity.date_of_birth
    assert dob is not None
    query = {
        "given_name": identity.given_name,
        "family_name": "Quarmby",  # a step-parent's surname
        "date_of_birth_day": dob.day,
        "date_of_birth_month": dob.month,
        "date_of_birth_year": dob.year,
    }
    response = client_for("cse.rotherham").get("/linkage/candidates/", query, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body, "forms load the fragment in place"
    assert identity.given_name in body
    assert "Agrees" in body
    assert "Partly agrees" in body or "Differs" in body
    assert AccessLog.objects.filter(
        action=AuditAction.SEARCH, details__purpose="search before create"
    ).exists()
    outsider = client_for("sw.sheffield").get("/linkage/candidates/", query).content.decode()
    assert identity.family_name not in outsider, "people outside the user's districts are not shown"


def test_a_frontline_officer_cannot_decide_pairs(linked_world, client_for):
    pair = ReviewPair.objects.first()
    assert pair is not None
    assert client_for("officer.rotherham").get(f"/linkage/review/{pair.pk}/").status_code == 404
    assert LinkageRun.objects.exists()


def test_keys_can_be_rebuilt_after_a_bulk_load(cast):
    from io import StringIO

    from django.core.management import call_command

    from tessera.people.models import MatchKey

    load(20)
    before = set(MatchKey.objects.values_list("person_id", "key"))
    assert any(key.startswith("gi+dob:") for _, key in before), "linkage's blocking keys are in the index"
    assert any(key.startswith("p:") for _, key in before), "person search's name keys are in the index"
    MatchKey.objects.all().delete()
    out = StringIO()
    call_command("index_match_keys", stdout=out)
    assert set(MatchKey.objects.values_list("person_id", "key")) == before
    assert "keys for" in out.getvalue()


def test_a_run_holds_back_merges_its_starter_may_not_make_and_still_finishes(cast):
    """Restricted people are merged only by someone named on the restriction: the run queues the pair."""
    truth = load(150)
    RestrictedRecord.objects.bulk_create(
        RestrictedRecord(
            target_type="people.person", target_id=pk, reason="test", restricted_by=cast["sysadmin"]
        )
        for pk in Person.objects.values_list("pk", flat=True)
    )
    for restriction in RestrictedRecord.objects.all():
        restriction.named_users.add(cast["supervisor.rotherham"])
    run = start_run(cast["analyst"], retrain=True)
    assert run_pending() == 1
    run.refresh_from_db()
    assert run.status == RunStatus.FINISHED
    assert run.merges_made == 0
    assert not PersonMerge.objects.exists()
    held = ReviewPair.objects.filter(held_back_because=NOT_YOURS_TO_MERGE, status=PairStatus.WAITING)
    assert held.count() > 0
    threshold = LinkageModel.objects.get(is_active=True).auto_link_threshold
    assert all(pair.match_probability >= threshold for pair in held), "only confident links are held back"
    assert sum(truth[pair.left_id] == truth[pair.right_id] for pair in held) >= 0.99 * held.count()
    # The pairs are about restricted people: only someone named on both restrictions sees them.
    assert not visible_to(cast["cse.rotherham"], held).exists()
    assert visible_to(cast["supervisor.rotherham"], held).count() == held.count()


def test_search_before_create_is_not_crowded_out_by_records_the_user_may_not_see(cast, monkeypatch):
    """Many records in another district share the typed name; the one the user may see is still found."""
    from tessera.core.models import District
    from tessera.linkage import search

    monkeypatch.setattr(search, "MAX_PEOPLE", 5)
    sheffield = District.objects.get(code="sheffield")
    for _ in range(12):
        make_person("sheffield", "Tiegan", "Marsden", date(2010, 4, 3))
    wanted = make_person("rotherham", "Tiegan", "Marsden", date(2010, 4, 3))
    assert Person.objects.filter(district=sheffield).count() >= 12
    typed = {"given_name": "Tiegan", "family_name": "Marsden", "date_of_birth": date(2010, 4, 3)}
    found = candidates_for(cast["cse.rotherham"], typed)
    assert [c.person.pk for c in found.candidates] == [wanted.pk]
    assert not found.narrowed
    monkeypatch.setattr(search, "MAX_PAGES", 2)
    narrowed = candidates_for(cast["cse.rotherham"], typed)
    assert narrowed.narrowed
    assert narrowed.candidates == []


def test_a_model_from_the_earlier_spec_is_not_reused_by_a_run(linked_world, cast):
    _, first = linked_world
    LinkageModel.objects.filter(pk=first.model_id).update(spec_version=1)
    second = start_run(cast["analyst"], retrain=False)
    assert run_pending() == 1
    second.refresh_from_db()
    assert second.model_id != first.model_id, "its levels are numbered differently: trained afresh"
    assert LinkageModel.objects.filter(runs=second, spec_version__gt=1).exists()


def test_a_run_is_on_record_from_start_to_finish_and_each_automatic_merge_names_it(linked_world, cast):
    _truth, run = linked_world
    started = AccessLog.objects.get(action=AuditAction.CREATE, target_type="linkage.linkagerun")
    assert (started.actor_username, started.target_id) == ("analyst", str(run.pk))
    finished = AccessLog.objects.get(action=AuditAction.CHANGE, target_type="linkage.linkagerun")
    assert finished.details["merges"] == run.merges_made
    assert finished.details["review_pairs"] == run.review_pairs
    merges = AccessLog.objects.filter(action=AuditAction.COMBINE, details__linkage_run=run.pk)
    assert merges.count() == 2 * run.merges_made
    merge = PersonMerge.objects.first()
    assert merge is not None
    rows = merges.filter(details__merge=merge.pk)
    assert {row.target_id for row in rows} == {str(merge.survivor_id), str(merge.absorbed_id)}
    assert all(row.actor_username == "analyst" for row in rows)
    assert rows[0].details["identities_moved"] == merge.moved_identity_ids


def test_keeping_a_pair_apart_is_on_record_with_who_which_people_and_which_run(linked_world, client_for):
    _truth, run = linked_world
    pair = ReviewPair.objects.filter(status=PairStatus.WAITING).select_related("left", "right").first()
    assert pair is not None
    response = client_for("cse.rotherham").post(
        f"/linkage/review/{pair.pk}/", {"decision": "different", "reason": "Different mothers"}
    )
    assert response.status_code == 302
    row = AccessLog.objects.get(action=AuditAction.CHANGE, target_type="linkage.reviewpair")
    assert (row.actor_username, row.target_id, row.reason) == (
        "cse.rotherham",
        str(pair.pk),
        "Different mothers",
    )
    assert row.details["decision"] == "kept apart"
    assert row.details["linkage_run"] == run.pk
    assert row.details["identities"] == [pair.left_id, pair.right_id]
    people = sorted({pair.left.person_id, pair.right.person_id})
    assert row.details["people"] == people
    assert row.details["merge"] is None
    shown = set(row.records_shown.values_list("target_id", flat=True))
    assert shown == {str(pk) for pk in people}, "each person's 'who has looked' finds the decision"
