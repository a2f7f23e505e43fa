from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "tessera.referrals"
    label = "referrals"
    verbose_name = "Referrals and triage"

    def ready(self) -> None:
        from tessera.access.emergency import register_emergency_target
        from tessera.access.policy import inherit_restriction, register
        from tessera.cases.models import Case
        from tessera.cases.registry import register_chronology_source, register_referral_counts
        from tessera.people.models import Person
        from tessera.people.person_page import register_person_page_source
        from tessera.people.things import register_source_record_pages
        from tessera.referrals.chronology import KINDS, referral_entries
        from tessera.referrals.figures import referral_counts_by_district
        from tessera.referrals.models import Referral
        from tessera.referrals.person_page import SOURCE_SYSTEM, concern_pages, recent_concerns
        from tessera.referrals.rules import ReferralRule

        register(Referral, ReferralRule())
        # A referral about a restricted child, or joined to a restricted case, is hidden with them.
        inherit_restriction(Referral, Person, "child")
        inherit_restriction(Referral, Case, "case")
        inherit_restriction(Referral, Person, "case__child")
        register_emergency_target("referrals:referral_detail", Referral)
        register_chronology_source(referral_entries, KINDS)
        register_referral_counts(referral_counts_by_district)
        register_person_page_source(recent_concerns)
        register_source_record_pages(SOURCE_SYSTEM, "Concern", concern_pages)
