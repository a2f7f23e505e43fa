"""Signals other apps hook without the referrals app knowing them.

``referral_received`` is sent after the transaction that stored a referral commits, with
``referral`` (a Referral) and ``child`` (the Person, or None for a place or peer group). The risk app
uses it to set a reassessment task when new information about a child arrives.

``referral_decided`` is sent on commit after a triage decision, with ``referral`` and ``case``
(the Case it opened or joined, or None).
"""

from django.dispatch import Signal

referral_received = Signal()
referral_decided = Signal()
