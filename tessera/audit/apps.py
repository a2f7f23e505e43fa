from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tessera.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from tessera.audit import signals  # noqa: F401 - connects sign-in and sign-out logging
