from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tessera.core.reference_data import seed_reference_data
from tessera.people.models import Person
from tessera.synth.casework import generate_casework
from tessera.synth.cast import CAST, DEMO_PASSWORD, seed_cast
from tessera.synth.missing_seed import seed_missing_history
from tessera.synth.risk_seed import seed_risk_history
from tessera.synth.world import generate_world


class Command(BaseCommand):
    help = (
        "Seed reference data, the named demo cast and a small synthetic world (synthetic installations only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=2013)

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEMO_MODE or settings.DEBUG):
            raise CommandError(
                "seed_demo creates accounts with known passwords; it only runs in a synthetic demo "
                "(TESSERA_DEMO=true)"
            )
        seed_reference_data()
        seed_cast()
        if Person.objects.exists():
            self.stdout.write("Synthetic world already present; left as it is.")
        else:
            summary = generate_world(people=options["people"], seed=options["seed"])
            exploited = sum(summary.exploited_children.values())
            self.stdout.write(
                f"Synthetic world: {summary.people:,} people ({summary.identities:,} agency records,"
                f" {summary.links:,} links, {exploited} exploited children, {summary.match_keys:,} match keys)"
                f" in {summary.seconds:.1f} s."
            )
            risk = seed_risk_history(seed=options["seed"])
            self.stdout.write(
                f"Synthetic risk history: {risk.assessments} assessments of {risk.children} children, "
                f"{risk.tasks} reassessments scheduled."
            )
        casework = generate_casework(seed=options["seed"])
        if casework.referrals:
            self.stdout.write(f"Synthetic case work: {casework.referrals} referrals, {casework.cases} cases.")
        missing = seed_missing_history(seed=options["seed"])
        if missing.episodes:
            self.stdout.write(
                f"Synthetic missing episodes: {missing.episodes} of {missing.children} children, "
                f"{missing.interviews} return interviews ({missing.disclosures} with a disclosure), "
                f"{missing.alerts} pattern alerts ({missing.reassessments} recent, each asking for a "
                "risk reassessment)."
            )
        self.stdout.write("")
        self.stdout.write("Sign in at http://127.0.0.1:8000/sign-in/ with any of these usernames:")
        for member in CAST:
            roles = ", ".join(role.label for role in member.roles)
            self.stdout.write(f"  {member.username:<24} {roles}")
        self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD}")
        self.stdout.write(
            "Security code: run  TESSERA_DEMO=true .venv/bin/python manage.py demo_code <username>  in "
            "another terminal."
        )
