"""Households, children and the adults around them, generated slice by slice.

``generate_rows`` yields the world as a stream of ``Rows`` slices (about 20,000 people each) so a
million-person world never has to sit in memory at once. The story (networks, hotspots, their adults)
comes first; then households fill each district. Children aged 10 to 17 are made exploited at the rate
that lands each district on its share of the inspection's referral volumes; their peers are at risk.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from tessera.synth.builder import Human, Place, WorldBuilder
from tessera.synth.errors import age_on
from tessera.synth.numbers import Numbers
from tessera.synth.story import (
    DISTRICTS,
    POPULATION_SHARE,
    Story,
    exploitation_start,
    link_network,
    plan_story,
    postcode,
    street_address,
)
from tessera.synth.tables import IdBlocks, Reference, Rows
from tessera.synth.vocabulary import (
    DISABILITIES,
    GIVEN_NAMES,
    HANDLE_WORDS,
    PLATFORMS,
    SURNAME_FIRST,
    SURNAME_LAST,
    SURNAMES_BY_TRADITION,
)

SLICE = 20_000
# (ethnicity, naming tradition, weight): roughly South Yorkshire's mix.
ETHNIC_MIX = (
    ("white_british", "english", 80.0),
    ("white_other", "central_european", 3.0),
    ("white_roma", "central_european", 1.0),
    ("white_irish", "english", 0.5),
    ("asian_pakistani", "south_asian", 6.0),
    ("asian_indian", "south_asian", 1.0),
    ("asian_bangladeshi", "south_asian", 0.5),
    ("arab", "south_asian", 0.8),
    ("black_african", "african_caribbean", 2.0),
    ("black_caribbean", "african_caribbean", 0.7),
    ("mixed_wbc", "english", 1.5),
    ("mixed_wa", "english", 1.0),
    ("asian_chinese", "english", 0.7),
)
# Share of everyone who is a child aged 10 to 17 (measured on generated worlds), for pacing exploitation.
AGED_10_TO_17_SHARE = 0.125


@dataclass
class Pace:
    """Keeps each district's exploited children on course for its target as children are generated."""

    targets: dict[str, int]
    expected: dict[str, float]
    seen: dict[str, int]
    exploited: dict[str, int]

    def next_is_exploited(self, district: str) -> bool:
        self.seen[district] += 1
        due = self.targets[district] * self.seen[district] / self.expected[district]
        if self.exploited[district] < min(due, self.targets[district]):
            self.exploited[district] += 1
            return True
        return False


class Population:
    def __init__(self, people: int, seed: int, ref: Reference, ids: IdBlocks) -> None:
        self.people = people
        self.seed = seed
        self.rng = random.Random(f"tessera-world:{seed}")
        self.builder = WorldBuilder(self.rng, ids, Numbers(random.Random(f"tessera-numbers:{seed}")), ref)
        self.today = ref.now.date()
        self.made = 0
        self.story: Story = plan_story(self.builder, people)
        # Pace against slightly fewer children than expected, so each target is met before the world ends.
        expected = {d: max(1.0, 0.85 * people * POPULATION_SHARE[d] * AGED_10_TO_17_SHARE) for d in DISTRICTS}
        zero = dict.fromkeys(DISTRICTS, 0)
        self.pace = Pace(self.story.targets, expected, dict(zero), dict(zero))

    # Helpers -----------------------------------------------------------------------------------------

    def _truth_id(self) -> int:
        return self.builder.ids.take("synth_groundtruthperson")

    def _surname(self, tradition: str) -> str:
        pool = SURNAMES_BY_TRADITION.get(tradition)
        if pool and self.rng.random() < 0.9:
            return self.rng.choice(pool)
        return self.rng.choice(SURNAME_FIRST) + self.rng.choice(SURNAME_LAST)

    def _born(self, youngest: int, oldest: int) -> date:
        days = self.rng.randrange(youngest * 365, oldest * 365 + 364)
        return self.today - timedelta(days=days)

    def _human(
        self,
        role: str,
        tradition: str,
        ethnicity: str,
        family: str,
        district: str,
        home: Place,
        age: tuple[int, int],
        sex: str | None = None,
    ) -> Human:
        rng = self.rng
        sex = sex or rng.choice(("female", "male"))
        pool = GIVEN_NAMES[tradition][sex]
        middle = rng.choice(pool) if rng.random() < 0.4 else ""
        return Human(
            truth_id=self._truth_id(),
            role=role,
            given=rng.choice(pool),
            middle=middle,
            family=family,
            born=self._born(*age),
            sex=sex,
            ethnicity=ethnicity,
            tradition=tradition,
            district=district,
            home=home,
            disability=rng.choice(DISABILITIES) if rng.random() < 0.05 else "",
        )

    def _background(self) -> tuple[str, str]:
        ethnicity, tradition, _ = self.rng.choices(ETHNIC_MIX, weights=[w for _, _, w in ETHNIC_MIX])[0]
        return ethnicity, tradition

    def _home(self, district: str) -> Place:
        return self.builder.place(
            "home", "", street_address(self.rng), postcode(self.rng, district), district
        )

    def _nhs(self, human: Human, chance: float) -> None:
        if self.rng.random() < chance:
            human.nhs_number = self.builder.numbers.nhs_number()

    # The story's adults ------------------------------------------------------------------------------

    def _exploiters(self, story: Story) -> None:
        rng = self.rng
        total = max(len(story.networks) * 2, sum(story.targets.values()) // 3)
        for index in range(total):
            network = story.networks[index % len(story.networks)]
            district = rng.choice(network.districts)
            ethnicity, tradition = self._background()
            sex = "male" if rng.random() < 0.85 else "female"
            human = self._human(
                "exploiter",
                tradition,
                ethnicity,
                self._surname(tradition),
                district,
                self._home(district),
                (19, 45),
                sex,
            )
            human.network = network.number
            self.made += 1
            self._nhs(human, 0.3)
            agencies = ["police"] + (["health-" + district] if human.nhs_number else [])
            self.builder.add_human(human, agencies)
            network.members.append(human)
        for network in story.networks:
            link_network(self.builder, network)

    # Households --------------------------------------------------------------------------------------

    def _household(self) -> list[Human]:
        rng = self.rng
        district = rng.choices(DISTRICTS, weights=[POPULATION_SHARE[d] for d in DISTRICTS])[0]
        ethnicity, tradition = self._background()
        family = self._surname(tradition)
        home = self._home(district)
        members: list[Human] = []
        if rng.random() < 0.32:
            for n in range(rng.choice((1, 2, 2))):
                sex = ("female", "male")[n] if n else rng.choice(("female", "female", "male"))
                members.append(
                    self._human("parent", tradition, ethnicity, family, district, home, (24, 55), sex)
                )
            for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
                members.append(self._human("child", tradition, ethnicity, family, district, home, (0, 17)))
        else:
            for _ in range(rng.choice((1, 1, 2))):
                members.append(self._human("adult", tradition, ethnicity, family, district, home, (18, 90)))
        if rng.random() < 0.1:
            previous_district = district if rng.random() < 0.8 else rng.choice(DISTRICTS)
            previous = self._home(previous_district)
            moved_on = self.today - timedelta(days=rng.randrange(30, 730))
            for human in members:
                human.previous_home, human.moved_on = previous, moved_on
        return members

    def _slice(self, size: int) -> None:
        households: list[list[Human]] = []
        while size > 0:
            household = self._household()[:size]
            size -= len(household)
            self.made += len(household)
            households.append(household)
        children = [h for household in households for h in household if h.role == "child"]
        exploited = self._choose_exploited(children)
        at_risk = self._choose_peers(children, exploited)
        professionals = self._choose_professionals(households)
        for household in households:
            known_to_care = any(h.status != "not_known" for h in household)
            for human in household:
                self._nhs(human, 0.9 if human.role == "child" else 0.3)
                self.builder.add_human(human, self._agencies(human, known_to_care))
        self._link_households(households)
        for child in exploited:
            self._link_exploited(child, professionals)
        for child, peer in at_risk:
            self.builder.link(
                child.entity_id,
                peer.entity_id,
                "peer",
                "safe-steps" if self.rng.random() < 0.5 else "police",
                child.started_on,
            )

    def _choose_exploited(self, children: list[Human]) -> list[Human]:
        chosen = []
        for child in children:
            if 10 <= age_on(child.born, self.today) <= 17 and self.pace.next_is_exploited(child.district):
                child.status = "exploited"
                child.started_on = exploitation_start(self.rng, child.born, self.today)
                networks = self.story.networks_in(child.district) or self.story.networks
                child.network = self.rng.choice(networks).number
                if self.rng.random() < 0.12:
                    child.disability = self.rng.choice(DISABILITIES)
                if self.rng.random() < 0.2:
                    child.in_care_at = self.rng.choice(self.story.childrens_homes[child.district])
                chosen.append(child)
        return chosen

    def _choose_peers(self, children: list[Human], exploited: list[Human]) -> list[tuple[Human, Human]]:
        pairs = []
        by_district: dict[str, list[Human]] = {}
        for child in children:
            if 11 <= age_on(child.born, self.today) <= 17:
                by_district.setdefault(child.district, []).append(child)
        for child in exploited:
            candidates = [c for c in by_district.get(child.district, []) if c is not child]
            for peer in self.rng.sample(candidates, k=min(len(candidates), self.rng.randrange(1, 4))):
                if peer.status == "not_known":
                    peer.status = "at_risk"
                pairs.append((child, peer))
        return pairs

    def _choose_professionals(self, households: list[list[Human]]) -> dict[str, list[Human]]:
        found: dict[str, list[Human]] = {}
        for household in households:
            for human in household:
                if human.role == "adult" and age_on(human.born, self.today) < 65 and self.rng.random() < 0.02:
                    human.role = self.rng.choice(
                        ("social_worker", "teacher", "youth_worker", "residential_carer")
                    )
                    found.setdefault(human.district, []).append(human)
        return found

    def _agencies(self, human: Human, known_to_care: bool) -> list[str]:
        rng, d = self.rng, human.district
        chances: dict[str, float]
        if human.role == "child":
            base = {"exploited": (0.9, 0.85, 0.5), "at_risk": (0.6, 0.3, 0.2)}.get(
                human.status, (0.05, 0.02, 0.0)
            )
            csc, police, charity = base
            chances = {f"education-{d}": 0.96, f"health-{d}": 1.0 if human.nhs_number else 0.0,
                       f"csc-{d}": csc, "police": police, "safe-steps": charity}  # fmt: skip
        elif human.role in {"social_worker", "residential_carer"}:
            chances = {f"csc-{d}": 1.0}
        elif human.role == "teacher":
            chances = {f"education-{d}": 1.0}
        elif human.role == "youth_worker":
            chances = {"safe-steps": 1.0}
        else:
            chances = {f"health-{d}": 1.0 if human.nhs_number else 0.0,
                       f"csc-{d}": 0.7 if known_to_care else 0.02, "police": 0.04}  # fmt: skip
        agencies = [code for code, chance in chances.items() if chance and rng.random() < chance]
        return agencies or [f"health-{d}" if human.nhs_number else "police"]

    # Links -------------------------------------------------------------------------------------------

    def _link_households(self, households: list[list[Human]]) -> None:
        for household in households:
            parents = [h for h in household if h.role == "parent"]
            children = [h for h in household if h.role == "child"]
            for child in children:
                agency = (
                    f"csc-{child.district}" if child.status != "not_known" else f"education-{child.district}"
                )
                for parent in parents:
                    self.builder.link(parent.entity_id, child.entity_id, "family", agency, child.born)
                if child.in_care_at:
                    self.builder.link(
                        child.entity_id,
                        child.in_care_at.entity_id,
                        "lives_at",
                        f"csc-{child.district}",
                        child.started_on,
                    )
            if len(parents) == 2 and children and children[0].status != "not_known":
                self.builder.link(
                    parents[0].entity_id, parents[1].entity_id, "family", f"csc-{parents[0].district}", None
                )

    def _link_exploited(self, child: Human, professionals: dict[str, list[Human]]) -> None:
        """What agencies came to know about an exploited child: never the whole truth."""
        rng, b = self.rng, self.builder
        network = self.story.networks[(child.network or 1) - 1]
        started = child.started_on or self.today
        # Agencies learn of the network over the first 200 days, never after today: the draw is scaled
        # into the days there have been so far (one draw either way, so the rest of the world is unchanged).
        days_so_far = max(0, min(200, (self.today - started).days))
        later = started + timedelta(days=rng.randrange(0, 200) * days_so_far // 200)
        for adult in rng.sample(network.members, k=min(len(network.members), rng.randrange(1, 3))):
            if rng.random() < 0.6:
                b.link(
                    adult.entity_id,
                    child.entity_id,
                    "suspected_exploiter",
                    "police",
                    later,
                    intelligence=True,
                )
            if rng.random() < 0.3:
                b.link(child.entity_id, adult.entity_id, "found_with", "police", later)
        for vehicle in network.vehicles:
            if rng.random() < 0.4:
                b.link(child.entity_id, vehicle, "seen_in_vehicle", "police", later, intelligence=True)
        for place in network.hotspots:
            if rng.random() < 0.5:
                b.link(
                    child.entity_id, place.entity_id, "frequents", rng.choice(("police", "safe-steps")), later
                )
        if rng.random() < 0.5:
            b.link(child.entity_id, b.phone(b.numbers.phone()), "uses_phone", "police", started)
        if rng.random() < 0.4:
            platform = rng.choice(PLATFORMS)
            handle = b.numbers.handle(platform, HANDLE_WORDS, child.given)
            b.link(child.entity_id, b.account(platform, handle), "uses_account", "safe-steps", started)
        nearby = professionals.get(child.district)
        if nearby and rng.random() < 0.3:
            worker = rng.choice(nearby)
            agency = {"teacher": f"education-{child.district}", "youth_worker": "safe-steps"}.get(
                worker.role, f"csc-{child.district}"
            )
            b.link(worker.entity_id, child.entity_id, "associate", agency, started)

    # The whole world ---------------------------------------------------------------------------------

    def rows(self) -> Iterator[Rows]:
        self._exploiters(self.story)
        yield self.builder.take_rows()
        while self.made < self.people:
            self._slice(min(SLICE, self.people - self.made))
            yield self.builder.take_rows()


def generate_rows(people: int, seed: int, ref: Reference, ids: IdBlocks) -> Iterator[Rows]:
    """The world as slices of rows, ids continuing from ``ids``. The same arguments give the same rows."""
    return Population(people, seed, ref, ids).rows()
