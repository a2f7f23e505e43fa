from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "tessera.intelligence"
    label = "intelligence"
    verbose_name = "Intelligence"

    def ready(self) -> None:
        from tessera.access.policy import extend_visibility, register
        from tessera.intelligence.models import (
            Crime,
            CrimeSuspect,
            IntelligencePackage,
            IntelligenceReport,
            PackageItem,
            PartnerRelease,
            ProblemProfile,
            ReleaseSubject,
            ReportSubject,
        )
        from tessera.intelligence.rules import (
            CrimeRule,
            PackageRule,
            ProfileRule,
            ReleaseRule,
            ReleaseSubjectRule,
            ReportPartRule,
            ReportRule,
            released_entities,
        )
        from tessera.people.models import Location, OnlineAccount, Person, Phone, Vehicle

        register(IntelligenceReport, ReportRule())
        register(ReportSubject, ReportPartRule())
        register(PartnerRelease, ReleaseRule())
        register(ReleaseSubject, ReleaseSubjectRule())
        register(IntelligencePackage, PackageRule())
        register(PackageItem, ReportPartRule())
        register(Crime, CrimeRule())
        register(CrimeSuspect, ReportPartRule())
        register(ProblemProfile, ProfileRule())
        # A person or thing known only from police intelligence reaches partners once a release names it.
        for model in (Person, Vehicle, Phone, OnlineAccount, Location):
            extend_visibility(model, released_entities)
