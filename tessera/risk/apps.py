from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "tessera.risk"
    label = "risk"
    verbose_name = "Exploitation risk assessment"

    def ready(self) -> None:
        from tessera.access.policy import register
        from tessera.risk import receivers
        from tessera.risk.calibration_job import register_job
        from tessera.risk.models import ReassessmentTask, RiskAssessment
        from tessera.risk.rules import DistrictCaseworkRule

        register(RiskAssessment, DistrictCaseworkRule())
        register(ReassessmentTask, DistrictCaseworkRule())
        receivers.connect()
        register_job()
