"""Recording links, merging and unmerging people: each a recorded, audited, reversible decision."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tessera.audit.models import AccessLog, AuditAction
from tessera.people.models import Link, LinkKind, Person, PersonMerge
from tessera.people.services import (
    IntelligenceGrade,
    MergeRefusedError,
    merge_persons,
    record_link,
    unmerge_persons,
)
from tessera.people.signals import link_recorded, persons_merged, persons_unmerged
from tests.people.helpers import add_identity, link, person, vehicle

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    """Signals received, by name."""
    received: dict[str, list] = {"link": [], "merge": [], "unmerge": []}

    def on_link(sender, link, user, **kwargs):
        received["link"].append(link)

    def on_merge(sender, merge, user, **kwargs):
        received["merge"].append(merge)

    def on_unmerge(sender, merge, user, **kwargs):
        received["unmerge"].append(merge)

    link_recorded.connect(on_link)
    persons_merged.connect(on_merge)
    persons_unmerged.connect(on_unmerge)
    yield received
    link_recorded.disconnect(on_link)
    persons_merged.disconnect(on_merge)
    persons_unmerged.disconnect(on_unmerge)


def test_recording_a_link_audits_it_and_announces_it_after_commit(
    cast, heard, django_capture_on_commit_callbacks
):
    child = person("rotherham", "Tia", "Kirkby")
    adult = person("rotherham", "Connor", "Dearne", date(1990, 2, 2))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        created = record_link(
            cast["cse.rotherham"],
            source=adult,
            target=child,
            kind=LinkKind.SUSPECTED_EXPLOITER,
            started_on=date(2024, 5, 1),
            grade=IntelligenceGrade("2", "B", "P"),
        )
    assert heard["link"] == [], "nothing is announced before the transaction commits"
    for callback in callbacks:
        callback()
    assert heard["link"] == [created]
    assert created.grade == "2BP"
    assert created.recorded_by == cast["cse.rotherham"]
    logged = AccessLog.objects.filter(action=AuditAction.COMBINE, details__link=created.pk)
    assert sorted(logged.values_list("target_id", flat=True)) == sorted([str(child.pk), str(adult.pk)])


def test_a_person_the_user_cannot_see_cannot_be_linked(cast):
    child = person("rotherham", "Tia", "Kirkby")
    with pytest.raises(Http404):
        record_link(
            cast["sw.sheffield"], source=child, target=vehicle("YC14QAB"), kind=LinkKind.SEEN_IN_VEHICLE
        )
    assert not Link.objects.exists()


def test_a_frontline_officer_can_see_but_not_link(cast):
    child = person("rotherham", "Tia", "Kirkby")
    with pytest.raises(PermissionDenied):
        record_link(
            cast["officer.rotherham"], source=child, target=vehicle("YC14QAB"), kind=LinkKind.SEEN_IN_VEHICLE
        )


def test_merging_moves_records_and_links_and_unmerging_puts_them_back(
    cast, heard, django_capture_on_commit_callbacks
):
    officer = cast["cse.rotherham"]
    kept = person("rotherham", "Rebecca", "Hallam", date(2009, 5, 2))
    duplicate = person("rotherham", "Becky", "Halam", date(2009, 5, 2))
    add_identity(duplicate, "safe-steps", "Becky", "Halam", None)
    car = vehicle("YC14QAB")
    link(duplicate, car, LinkKind.SEEN_IN_VEHICLE)
    with django_capture_on_commit_callbacks(execute=True):
        merge = merge_persons(officer, survivor=kept, absorbed=duplicate, reason="Same NHS number in both")
    kept.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept
    assert kept.identities.count() == 3
    assert Link.objects.get().source_id == kept.entity_id
    assert heard["merge"] == [merge]

    with django_capture_on_commit_callbacks(execute=True):
        unmerge_persons(officer, merge=merge, reason="Different children: twins")
    kept.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
    assert kept.identities.count() == 1
    assert duplicate.identities.count() == 2
    assert Link.objects.get().source_id == duplicate.entity_id
    merge.refresh_from_db()
    assert merge.undone_by == officer
    assert merge.undo_reason == "Different children: twins"
    assert heard["unmerge"] == [merge]
    actions = list(
        AccessLog.objects.filter(
            target_id=str(duplicate.pk), action__in=[AuditAction.COMBINE, AuditAction.SEPARATE]
        )
        .order_by("id")
        .values_list("action", "reason")
    )
    assert actions == [
        (AuditAction.COMBINE, "Same NHS number in both"),
        (AuditAction.SEPARATE, "Different children: twins"),
    ]


def test_search_finds_the_merged_person_once(cast, client_for):
    kept = person("rotherham", "Rebecca", "Hallam", date(2009, 5, 2))
    duplicate = person("rotherham", "Rebecca", "Hallam", date(2009, 5, 2))
    merge_persons(cast["cse.rotherham"], survivor=kept, absorbed=duplicate, reason="Same child")
    page = client_for("cse.rotherham").get("/people/search/", {"q": "Rebecca Hallam"}).content.decode()
    assert f"/people/{kept.pk}/" in page
    assert f"/people/{duplicate.pk}/" not in page
    response = client_for("cse.rotherham").get(f"/people/{duplicate.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/people/{kept.pk}/"


def test_a_merge_needs_a_reason_and_two_different_people(cast):
    one = person("rotherham", "Tia", "Kirkby")
    other = person("rotherham", "Tia", "Kirkby")
    with pytest.raises(MergeRefusedError, match="reason"):
        merge_persons(cast["cse.rotherham"], survivor=one, absorbed=other, reason="  ")
    with pytest.raises(MergeRefusedError, match="themselves"):
        merge_persons(cast["cse.rotherham"], survivor=one, absorbed=one, reason="Same")
    assert not PersonMerge.objects.exists()


def test_an_outsider_cannot_merge_people_they_cannot_see(cast):
    one = person("rotherham", "Tia", "Kirkby")
    other = person("rotherham", "Tia", "Kirkby")
    with pytest.raises(Http404):
        merge_persons(cast["sw.sheffield"], survivor=one, absorbed=other, reason="Same")
    assert Person.objects.filter(merged_into__isnull=False).count() == 0


def test_a_merge_is_undone_only_once(cast):
    one = person("rotherham", "Tia", "Kirkby")
    other = person("rotherham", "Tia", "Kirkby")
    merge = merge_persons(cast["cse.rotherham"], survivor=one, absorbed=other, reason="Same")
    unmerge_persons(cast["cse.rotherham"], merge=merge, reason="Not the same")
    with pytest.raises(MergeRefusedError, match="already been undone"):
        unmerge_persons(cast["cse.rotherham"], merge=merge, reason="Again")


def test_a_new_person_comes_with_their_source_identity_and_one_log_row_naming_both(cast):
    from tessera.core.models import Agency, District
    from tessera.people.services import NewIdentity, create_person

    person, identity = create_person(
        cast["officer.rotherham"],
        district=District.objects.get(code="rotherham"),
        given_name="Tia",
        family_name="Kirkby",
        date_of_birth=date(2011, 5, 4),
        identity=NewIdentity(
            agency=Agency.objects.get(code="police"),
            source_system="Tessera referral",
            source_record_id="R-2026-TEST01",
            received_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
            fields={"given_name": "Tia", "family_name": "Kirkby", "date_of_birth": date(2011, 5, 4)},
        ),
        details={"from_referral": "R-2026-TEST01"},
    )
    assert identity.person == person
    assert (person.full_name, person.district_id) == ("Tia Kirkby", District.objects.get(code="rotherham").pk)
    row = AccessLog.objects.get(action=AuditAction.CREATE)
    assert (row.target_type, row.target_id) == ("people.sourceidentity", str(identity.pk))
    assert row.details == {"from_referral": "R-2026-TEST01"}
    assert list(row.records_shown.values_list("target_type", "target_id")) == [
        ("people.person", str(person.pk))
    ]


def _state_after_merges(cast, heard, *, together: bool) -> dict:
    """Three newcomers merged into two people (one absorbs two), then one with a link (left to
    merge_persons), then a chain: a newcomer joins a survivor that is itself absorbed afterwards (so the
    survivor has two records by then, one of them moved by the merges before): everything a merge writes,
    read back in terms that do not depend on ids."""
    from django.db import transaction

    from tessera.people.match_index import keys_by_person
    from tessera.people.models import MatchKey, SourceIdentity
    from tessera.people.services import NewcomerMerge, merge_newcomers

    user = cast["cse.rotherham"]
    state: dict = {}
    with transaction.atomic():
        kayleigh = person("rotherham", "Kayleigh", "Thornley", date(2010, 3, 14))
        jamal = person("rotherham", "Jamal", "Ahmed", date(2009, 11, 2))
        kay = person("rotherham", "Kay", "Thornley", date(2010, 3, 14))
        kayleigh_again = person("rotherham", "Kayleigh", "Thornley", None)
        jay = person("rotherham", "Jay", "Ahmed", date(2009, 11, 2))
        linked = person("rotherham", "Jamal", "Ahmed", date(2009, 11, 2))
        link(linked, vehicle("YK62ABC"), LinkKind.USES_VEHICLE)
        mason = person("rotherham", "Mason", "Kirkby", date(2008, 5, 5))
        mason_new = person("rotherham", "Mason", "Kirkby", None)
        mason_known = person("rotherham", "Mason", "Kirby", date(2008, 5, 5))
        merges = [
            NewcomerMerge(kayleigh.pk, kay.pk, "Same girl", {"on_arrival": True}),
            NewcomerMerge(jamal.pk, jay.pk, "Same boy", {"on_arrival": True}),
            NewcomerMerge(kayleigh.pk, kayleigh_again.pk, "Same girl again", {"on_arrival": True}),
            NewcomerMerge(jamal.pk, linked.pk, "Same boy, with his car", {"on_arrival": True}),
            NewcomerMerge(mason.pk, mason_new.pk, "Same lad", {"on_arrival": True}),
            NewcomerMerge(mason_known.pk, mason.pk, "Same lad, known already", {"on_arrival": True}),
        ]
        if together:
            merge_newcomers(user, merges)
        else:
            for m in merges:
                merge_persons(
                    user, survivor=Person.objects.get(pk=m.survivor), absorbed=Person.objects.get(pk=m.absorbed),
                    reason=m.reason, context=m.context,
                )  # fmt: skip
        names = {
            p.pk: n
            for n, p in enumerate(
                [kayleigh, jamal, kay, kayleigh_again, jay, linked, mason, mason_new, mason_known]
            )
        }
        people = Person.objects.filter(pk__in=names)
        state["people"] = sorted(
            (names[p.pk], p.given_name, p.family_name, p.date_of_birth, p.sex, p.version,
             names.get(p.merged_into_id or 0), p.known_only_from_intelligence)
            for p in people
        )  # fmt: skip
        state["records"] = sorted(
            (names[i.person_id], i.given_name) for i in SourceIdentity.objects.filter(person_id__in=names)
        )
        state["merges"] = [
            (names[m.survivor_id], names[m.absorbed_id], m.reason, len(m.moved_identity_ids), m.moved_link_ids != {"source": [], "target": []})
            for m in PersonMerge.objects.order_by("pk")
        ]  # fmt: skip
        state["log"] = sorted(
            (names[int(row.target_id)], row.reason, row.details["on_arrival"], names[row.details["survivor"]])
            for row in AccessLog.objects.filter(action=AuditAction.COMBINE, details__has_key="merge")
        )
        keys = {pk: set(MatchKey.objects.filter(person_id=pk).values_list("key", flat=True)) for pk in names}
        state["keys_in_step"] = keys == {pk: keys_by_person([pk]).get(pk, set()) for pk in names}
        state["links_on"] = sorted(
            names.get(p, -1)
            for p in Person.objects.filter(entity__links_out__isnull=False).values_list("pk", flat=True)
        )
        transaction.set_rollback(True)
    # The signals are sent on commit; the test's transaction never commits, so count what was queued.
    state["signals"] = len(transaction.get_connection().run_on_commit)
    return state


def test_newcomers_merged_together_end_as_merged_one_by_one(cast, heard):
    one_by_one = _state_after_merges(cast, heard, together=False)
    together = _state_after_merges(cast, heard, together=True)
    assert together == one_by_one
    assert one_by_one["keys_in_step"]
    assert [m[:2] for m in one_by_one["merges"]] == [(0, 2), (1, 4), (0, 3), (1, 5), (6, 7), (8, 6)]
