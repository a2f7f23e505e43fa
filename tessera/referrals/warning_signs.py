"""The warning signs on the frontline aide-memoire, as checkboxes on the concern form.

Signs that exploitation may already be happening are listed apart from signs of vulnerability, because a
child showing the first must never be treated as only "at risk" (national inquiry finding).
"""

from __future__ import annotations

from django.db import models


class WarningSign(models.TextChoices):
    MISSING_OVERNIGHT = "missing_overnight", "Going missing, especially overnight"
    OLDER_BOYFRIEND = "older_boyfriend", "Older 'boyfriend' or controlling adult"
    CARS_WITH_ADULTS = "cars_with_adults", "Getting into cars with unknown adults"
    UNEXPLAINED_GIFTS = "unexplained_gifts", "Unexplained money, phones, clothes or gifts"
    HOTELS_TAXIS_TAKEAWAYS = "hotels_taxis_takeaways", "Seen at hotels, taxi firms or takeaways with adults"
    UNEXPLAINED_INJURIES = "unexplained_injuries", "Unexplained injuries"
    ONLINE_GROOMING = "online_grooming", "Worrying phone or online contact (possible grooming)"
    DRUGS_ALCOHOL = "drugs_alcohol", "Drug or alcohol misuse"
    SEXUAL_HEALTH = "sexual_health", "Sexually transmitted infection or pregnancy"
    SCHOOL_ABSENCE = "school_absence", "Missing school or excluded"
    SELF_HARM = "self_harm", "Self-harm or sudden change in mood"
    PEERS_EXPLOITED = "peers_exploited", "Friends who are being exploited"
    DISCLOSURE = "disclosure", "The child told someone they are being exploited"
