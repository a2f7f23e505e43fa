"""The force-wide job with the database: standings stored per person, read by the early warning (a
community of suspected exploiters) and the network page's ranking."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from tessera.earlywarning.models import NetworkAlert
from tessera.earlywarning.services import raise_for_link
from tessera.network.force_job import run_force_job
from tessera.network.models import NetworkStanding
from tessera.people.models import LinkKind
from tests.people.helpers import link, person, vehicle

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    """Kaz and Ray, suspected exploiters of Mia and Leah, and Dev, who is neither but drives for them: one
    tight group. Apart from them, a family of three."""
    kaz = person("rotherham", "Kaz", "Hussain", date(1990, 7, 7))
    ray = person("rotherham", "Ray", "Holt", date(1985, 5, 5))
    dev = person("rotherham", "Dev", "Shaw", date(1992, 2, 2))
    mia = person("rotherham", "Mia", "Dale", date(2012, 3, 3))
    leah = person("rotherham", "Leah", "Stainley", date(2012, 5, 2))
    car = vehicle("YK62ABC")
    link(kaz, mia, LinkKind.SUSPECTED_EXPLOITER)
    link(ray, leah, LinkKind.SUSPECTED_EXPLOITER)
    link(kaz, ray, LinkKind.ASSOCIATE)
    link(dev, kaz, LinkKind.ASSOCIATE)
    link(dev, ray, LinkKind.ASSOCIATE)
    link(dev, car, LinkKind.USES_VEHICLE)
    link(kaz, car, LinkKind.USES_VEHICLE)
    link(ray, car, LinkKind.USES_VEHICLE)
    link(leah, car, LinkKind.SEEN_IN_VEHICLE)
    link(mia, leah, LinkKind.PEER)
    mum, dad = (
        person("sheffield", "Sue", "Ward", date(1975, 1, 1)),
        person("sheffield", "Tom", "Ward", date(1974, 1, 1)),
    )
    link(mum, dad, LinkKind.FAMILY)
    link(mum, person("sheffield", "Amy", "Ward", date(2011, 1, 9)), LinkKind.FAMILY)
    return {"kaz": kaz, "ray": ray, "dev": dev, "mia": mia, "leah": leah, "car": car, "mum": mum}


def test_the_job_stores_each_linked_persons_community_and_rank(group, capsys):
    call_command("network_force_job")
    assert "communities" in capsys.readouterr().out
    standings = {s.entity_id: s for s in NetworkStanding.objects.all()}
    kaz, dev, mum = (standings[group[n].entity_id] for n in ("kaz", "dev", "mum"))
    assert kaz.community == dev.community != mum.community
    assert kaz.community_suspects == 2
    assert mum.community_suspects == 0
    assert (
        kaz.rank < standings[group["mia"].entity_id].rank
    )  # the group's hub is more central than a child at its edge
    assert sorted(s.rank for s in standings.values()) == list(range(1, len(standings) + 1))


def test_an_adult_of_a_flagged_community_raises_a_community_alert(group):
    run_force_job()
    amy = person("rotherham", "Amy", "Cole", date(2011, 2, 2))
    [alert] = raise_for_link(link(amy, group["dev"], LinkKind.ASSOCIATE))
    community = NetworkStanding.objects.get(entity_id=group["dev"].entity_id).community
    assert alert.key == f"community:{community}"
    # Another member of the same group reaching her makes no second alert.
    assert raise_for_link(link(amy, group["kaz"], LinkKind.FOUND_WITH)) == []
    assert NetworkAlert.objects.filter(child=amy).count() == 1


def test_without_a_run_an_adult_who_is_no_suspect_raises_nothing(group):
    amy = person("rotherham", "Amy", "Cole", date(2011, 2, 2))
    assert raise_for_link(link(amy, group["dev"], LinkKind.ASSOCIATE)) == []


def test_the_network_page_shows_the_force_wide_rank(group, client_for):
    run_force_job()
    rank = NetworkStanding.objects.get(entity_id=group["kaz"].entity_id).rank
    response = client_for("cse.rotherham").get(f"/network/{group['mia'].entity_id}/")
    ranking = response.text.split("Adults who reach the most children")[1].split("</table>")[0]
    assert "Force-wide rank" in ranking
    assert f'numeric">{rank}</td>' in ranking
    assert "2 suspected exploiters" in ranking
