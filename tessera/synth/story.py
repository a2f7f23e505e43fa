"""The exploitation story of the world: networks of adults who exploit, the places, cars, phones and
online accounts they use, and how many children each district's agencies will find exploited.

Districts' shares of exploited children follow the inspection's referral volumes (Barnsley 55,
Doncaster 97, Rotherham 127, Sheffield 146). The adults who exploit are drawn from the same mix of
backgrounds as everyone else: the world must not teach a model that ethnicity predicts offending.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from tessera.synth.builder import Human, Place, WorldBuilder
from tessera.synth.vocabulary import (
    COLOURS,
    HANDLE_WORDS,
    PLACE_NAMES,
    PLATE_AREAS,
    PLATFORMS,
    POSTCODE_AREAS,
    STREET_FIRST,
    STREET_LAST,
    VEHICLES,
)

DISTRICTS = ("barnsley", "doncaster", "rotherham", "sheffield")
# Residents by district (roughly each borough's share of South Yorkshire).
POPULATION_SHARE = {"barnsley": 0.18, "doncaster": 0.23, "rotherham": 0.19, "sheffield": 0.40}
# CSE referrals or cases, 1 January to 30 September 2013 (the inspection).
REFERRAL_VOLUMES = {"barnsley": 55, "doncaster": 97, "rotherham": 127, "sheffield": 146}
# Share of the world who are exploited children.
EXPLOITED_SHARE = 0.015
HOTSPOT_KINDS = ("hotel", "takeaway", "taxi_firm", "park", "shop")
_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def exploited_targets(people: int) -> dict[str, int]:
    """How many exploited children each district holds, in the inspection's proportions."""
    total = max(8, round(people * EXPLOITED_SHARE))
    volume = sum(REFERRAL_VOLUMES.values())
    return {d: max(1, round(total * REFERRAL_VOLUMES[d] / volume)) for d in DISTRICTS}


@dataclass
class Network:
    number: int
    districts: tuple[str, ...]
    hotspots: list[Place] = field(default_factory=list)
    vehicles: list[int] = field(default_factory=list)
    phones: list[int] = field(default_factory=list)
    accounts: list[int] = field(default_factory=list)
    members: list[Human] = field(default_factory=list)


@dataclass
class Story:
    networks: list[Network]
    hotspots: dict[str, list[Place]]
    childrens_homes: dict[str, list[Place]]
    targets: dict[str, int]

    def networks_in(self, district: str) -> list[Network]:
        return [n for n in self.networks if district in n.districts]


def postcode(rng: random.Random, district: str) -> str:
    area = rng.choice(POSTCODE_AREAS[district])
    return f"{area} {rng.randrange(1, 10)}{rng.choice(_POSTCODE_LETTERS)}{rng.choice(_POSTCODE_LETTERS)}"


def street_address(rng: random.Random) -> str:
    return f"{rng.randrange(1, 240)} {rng.choice(STREET_FIRST)} {rng.choice(STREET_LAST)}"


def _premises(builder: WorldBuilder, kind: str, district: str) -> Place:
    rng = builder.rng
    name = f"{rng.choice(STREET_FIRST)} {rng.choice(PLACE_NAMES[kind])}"
    return builder.place(kind, name, street_address(rng), postcode(rng, district), district)


def plan_story(builder: WorldBuilder, people: int) -> Story:
    """Places, networks and their things. The adults in each network are added by ``population``."""
    rng = builder.rng
    hotspots = {
        d: [
            _premises(builder, HOTSPOT_KINDS[i % len(HOTSPOT_KINDS)], d)
            for i in range(max(5, people // 1500))
        ]
        for d in DISTRICTS
    }
    homes = {
        d: [_premises(builder, "childrens_home", d) for _ in range(max(1, people // 20000))]
        for d in DISTRICTS
    }
    targets = exploited_targets(people)
    weights = [REFERRAL_VOLUMES[d] for d in DISTRICTS]
    networks: list[Network] = []
    for number in range(max(len(DISTRICTS), sum(targets.values()) // 15)):
        # Every district has at least one network; the rest follow the referral volumes.
        base = DISTRICTS[number] if number < len(DISTRICTS) else rng.choices(DISTRICTS, weights=weights)[0]
        districts: tuple[str, ...] = (base,)
        if rng.random() < 0.3:
            districts += (rng.choice([d for d in DISTRICTS if d != base]),)
        network = Network(number + 1, districts)
        for d in districts:
            network.hotspots += rng.sample(hotspots[d], k=min(len(hotspots[d]), rng.randrange(2, 4)))
        for _ in range(rng.randrange(1, 4)):
            make, model = rng.choice(VEHICLES)
            plate = builder.numbers.registration(PLATE_AREAS[base])
            network.vehicles.append(builder.vehicle(plate, make, model, rng.choice(COLOURS)))
        network.phones += [builder.phone(builder.numbers.phone()) for _ in range(rng.randrange(1, 3))]
        for _ in range(rng.randrange(1, 3)):
            platform = rng.choice(PLATFORMS)
            handle = builder.numbers.handle(platform, HANDLE_WORDS, rng.choice(HANDLE_WORDS))
            network.accounts.append(builder.account(platform, handle))
        networks.append(network)
    return Story(networks, hotspots, homes, targets)


def link_network(builder: WorldBuilder, network: Network) -> None:
    """What police intelligence records about a network's adults: each other, their places and things."""
    rng = builder.rng
    today = builder.today
    for index, member in enumerate(network.members):
        since = today - timedelta(days=rng.randrange(60, 1500))
        if index:
            builder.link(
                member.entity_id,
                network.members[0].entity_id,
                "associate",
                "police",
                since,
                intelligence=True,
            )
        for phone in network.phones:
            if rng.random() < 0.7:
                builder.link(member.entity_id, phone, "uses_phone", "police", since, intelligence=True)
        for vehicle in network.vehicles:
            if rng.random() < 0.6:
                builder.link(member.entity_id, vehicle, "seen_in_vehicle", "police", since, intelligence=True)
        for place in network.hotspots:
            if rng.random() < 0.5:
                builder.link(
                    member.entity_id, place.entity_id, "frequents", "police", since, intelligence=True
                )
        for account in network.accounts:
            if rng.random() < 0.5:
                builder.link(member.entity_id, account, "uses_account", "police", since, intelligence=True)
        builder.link(member.entity_id, member.home.entity_id, "lives_at", "police", since)


def exploitation_start(rng: random.Random, born: date, today: date) -> date:
    """When a child's exploitation began: within the last three years, and not before they were ten."""
    earliest = max(date(born.year + 10, born.month, min(born.day, 28)), today - timedelta(days=1100))
    span = max(1, (today - earliest).days - 30)
    return earliest + timedelta(days=rng.randrange(span))
