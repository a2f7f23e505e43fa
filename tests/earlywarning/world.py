"""A network alert for the access matrix and the audit sweep: the child is seen in the car of a
suspected exploiter (of another child), through the same service every link takes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tessera.earlywarning.models import NetworkAlert
from tessera.earlywarning.services import raise_for_link
from tessera.people.models import LinkKind, Person
from tests.people.helpers import link, person, vehicle


@dataclass
class AlertWorld:
    alert: NetworkAlert
    suspect: Person
    child: Person


def build_alert_world(child: Person) -> AlertWorld:
    suspect = person("rotherham", "Kaz", "Hussain", date(1990, 7, 7))
    car = vehicle("YX70ALR")
    link(suspect, person("rotherham", "Mia", "Dale", date(2012, 3, 3)), LinkKind.SUSPECTED_EXPLOITER)
    link(suspect, car, LinkKind.USES_VEHICLE)
    [alert] = raise_for_link(link(child, car, LinkKind.SEEN_IN_VEHICLE))
    assert alert.on_queue, "the child must have no open case: the alert is to be on the district's list"
    return AlertWorld(alert, suspect, child)
