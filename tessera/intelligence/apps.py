from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "tessera.intelligence"
    label = "intelligence"
    verbose_name = "Intelligence"

    def ready(self) -> None:
        from tessera.access.policy import register
        from tessera.intelligence.models import (
            IntelligenceReport,
            PartnerRelease,
            ReleaseSubject,
            ReportSubject,
        )
        from tessera.intelligence.rules import ReleaseRule, ReleaseSubjectRule, ReportPartRule, ReportRule

        register(IntelligenceReport, ReportRule())
        register(ReportSubject, ReportPartRule())
        register(PartnerRelease, ReleaseRule())
        register(ReleaseSubject, ReleaseSubjectRule())
