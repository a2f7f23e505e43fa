"""Compute communities and centrality over the whole force's links and store them as a new run.

manage.py network_force_job [--seed 2013]

Prints the run's size, time and peak memory. The worker runs the same job (kind ``network.force_wide``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tessera.network.force_job import run_force_job


class Command(BaseCommand):
    help = "Force-wide network communities and centrality (igraph), stored for the early warning and ranking."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2013)

    def handle(self, *args: Any, **options: Any) -> None:
        run = run_force_job(seed=options["seed"])
        self.stdout.write(
            f"Run {run.pk} ({run.library}): {run.entities:,} entity ids, {run.links:,} distinct links, "
            f"{run.communities:,} communities ({run.flagged_communities:,} with two or more suspected "
            f"exploiters) in {run.seconds:.1f} s, peak memory {run.peak_memory_mb:,.0f} MB"
        )
