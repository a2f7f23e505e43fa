from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "tessera.referrals"
    label = "referrals"
    verbose_name = "Referrals and triage"

    def ready(self) -> None:
        from tessera.access.emergency import register_emergency_target
        from tessera.access.policy import register
        from tessera.cases.registry import register_chronology_source
        from tessera.referrals.chronology import KINDS, referral_entries
        from tessera.referrals.models import Referral
        from tessera.referrals.rules import ReferralRule

        register(Referral, ReferralRule())
        register_emergency_target("referrals:referral_detail", Referral)
        register_chronology_source(referral_entries, KINDS)
