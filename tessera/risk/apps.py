from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "tessera.risk"
    label = "risk"
    verbose_name = "Exploitation risk assessment"

    def ready(self) -> None:
        from tessera.access.emergency import register_emergency_target
        from tessera.access.policy import inherit_restriction, register
        from tessera.people.models import Person
        from tessera.people.person_page import register_person_page_source
        from tessera.risk import case_links, fact_sources, receivers
        from tessera.risk.calibration_job import register_job
        from tessera.risk.models import ReassessmentTask, RiskAssessment
        from tessera.risk.person_page import risk_summary
        from tessera.risk.rules import DistrictCaseworkRule
        from tessera.risk.shadow_job import register_shadow_job

        register(RiskAssessment, DistrictCaseworkRule())
        register(ReassessmentTask, DistrictCaseworkRule())
        inherit_restriction(RiskAssessment, Person, "child")
        inherit_restriction(ReassessmentTask, Person, "child")
        # A child's risk page is the child's record: emergency access to the child opens it, read only.
        register_emergency_target("risk:child_risk", Person)
        receivers.connect()
        fact_sources.register()
        case_links.connect()
        register_job()
        register_shadow_job()
        register_person_page_source(risk_summary)
