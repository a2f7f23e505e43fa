"""When each exploited child of the synthetic world was first referred: ground truth for measuring the
network early warning (how many children it would have flagged before anyone referred them), kept apart
from the product like the rest of ``tessera.synth``'s truth. The product never reads it.

The same rule as the synthetic risk histories (``risk_history.generate_child``): a child is referred
around the time their exploitation began, some up to six months before it, most after, up to nine months
after (and never later than a month before the world's today). Deterministic for a seed and a true person.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from tessera.risk.scoring import months_before


def first_referral_on(seed: int, truth_id: int, exploited_from: date, today: date) -> date:
    rng = random.Random(f"{seed}:{truth_id}:first-referral")
    earliest = months_before(exploited_from, 6)
    latest = min(months_before(today, 1), months_before(exploited_from, -9))
    span = max((latest - earliest).days, 1)
    return earliest + timedelta(days=rng.randrange(span))
